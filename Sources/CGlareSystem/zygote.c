#include "glare_system.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t glare_clone_sibling(void) {
    // The raw system call: glibc's clone() wants a new stack and a function, fork() takes no flags.
    // With no stack given the child runs on a copy of ours, exactly as after fork().
    return (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
}

int glare_sibling_setup(int output_fd) {
    // The parent (glared) makes the same call as soon as it hears the pid; whichever comes first
    // creates the group, so it exists before glared could signal it.
    if (setpgid(0, 0) != 0) {
        return -1;
    }

    // What posix_spawn gives a spawned worker: default dispositions, an empty mask.
    const int defaults[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT};
    for (size_t index = 0; index < sizeof(defaults) / sizeof(defaults[0]); index++) {
        if (signal(defaults[index], SIG_DFL) == SIG_ERR) {
            return -1;
        }
    }
    sigset_t empty_mask;
    sigemptyset(&empty_mask);
    if (sigprocmask(SIG_SETMASK, &empty_mask, NULL) != 0) {
        return -1;
    }

    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, 0) != 0 || dup2(output_fd, 1) != 1 || dup2(output_fd, 2) != 2) {
        return -1;
    }
    closefrom(3);
    return 0;
}

int glare_seqpacket_pair(int descriptors[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, descriptors);
}

ssize_t glare_send_message(int socket_fd, const void *data, size_t length, int descriptor) {
    struct iovec part = {.iov_base = (void *)data, .iov_len = length};
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &part;
    message.msg_iovlen = 1;

    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    if (descriptor >= 0) {
        memset(&control, 0, sizeof(control));
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof(control.buffer);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &descriptor, sizeof(int));
    }

    ssize_t sent;
    do {
        sent = sendmsg(socket_fd, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

ssize_t glare_receive_message(int socket_fd, void *buffer, size_t capacity, int *descriptor_out) {
    struct iovec part = {.iov_base = buffer, .iov_len = capacity};
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof(control.buffer);

    *descriptor_out = -1;
    ssize_t received;
    do {
        received = recvmsg(socket_fd, &message, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) {
        return received;
    }
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
            memcpy(descriptor_out, CMSG_DATA(header), sizeof(int));
        }
    }
    if (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        if (*descriptor_out >= 0) {
            close(*descriptor_out);
            *descriptor_out = -1;
        }
        errno = EMSGSIZE;
        return -1;
    }
    return received;
}

extern char **environ;

// Where the kernel's /proc/self/cmdline and /proc/self/environ read from: the argument and
// environment strings as the process was started, each one contiguous run.
static char *argument_area = NULL;
static size_t argument_area_length = 0;
static char *environment_area = NULL;
static size_t environment_area_length = 0;

void glare_remember_command_areas(int argc, char **argv) {
    if (argc > 0) {
        argument_area = argv[0];
        argument_area_length = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0]);
    }
    size_t count = 0;
    while (environ != NULL && environ[count] != NULL) {
        count++;
    }
    if (count > 0) {
        environment_area = environ[0];
        environment_area_length = (size_t)(environ[count - 1] + strlen(environ[count - 1]) + 1 - environ[0]);
    }
}

// Copies the whole NUL-terminated strings of `strings` that fit into `area`, then NULs.
static int fill_area(char *area, size_t area_length, const char *strings, size_t length) {
    if (area == NULL) {
        return -1;
    }
    size_t used = 0;
    while (used < length) {
        size_t next = strlen(strings + used) + 1;
        if (used + next > area_length) {
            break;
        }
        used += next;
    }
    memcpy(area, strings, used);
    memset(area + used, 0, area_length - used);
    return used == length ? 0 : -1;
}

int glare_show_command(const char *arguments, size_t arguments_length, const char *environment,
                       size_t environment_length) {
    int shown_arguments = fill_area(argument_area, argument_area_length, arguments, arguments_length);
    int shown_environment = fill_area(environment_area, environment_area_length, environment, environment_length);
    return shown_arguments == 0 && shown_environment == 0 ? 0 : -1;
}
