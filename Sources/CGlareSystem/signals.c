#include "glare_system.h"

#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;

// A process can start with signals blocked (a parent's thread mask is inherited through exec:
// Foundation's Process, test runners). A handler is useless on a blocked signal, so unblock it on
// the installing thread; a process-directed signal then has at least that thread to go to.
static int unblock_signal(int signal_number) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal_number);
    int result = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    if (result != 0) {
        errno = result;
        return -1;
    }
    return 0;
}

static void note_stop_request(int signal_number) {
    (void)signal_number;
    stop_requested = 1;
}

int glare_install_stop_handler(int signal_number) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = note_stop_request;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a runner's blocking read is not cut short; it sees the flag at its next check.
    action.sa_flags = SA_RESTART;
    if (sigaction(signal_number, &action, NULL) != 0) {
        return -1;
    }
    return unblock_signal(signal_number);
}

int glare_stop_requested(void) {
    return stop_requested != 0;
}

static int signal_pipe_write_end = -1;

static void forward_signal(int signal_number) {
    int saved_errno = errno;
    unsigned char byte = (unsigned char)signal_number;
    // A full pipe drops the signal; the reader is far behind only if it is stuck anyway.
    ssize_t ignored = write(signal_pipe_write_end, &byte, 1);
    (void)ignored;
    errno = saved_errno;
}

int glare_signal_pipe_install(const int *signal_numbers, int count) {
    int ends[2];
    if (pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
        return -1;
    }
    // The reader blocks; only the handler's end must never block.
    int flags = fcntl(ends[0], F_GETFL);
    if (flags < 0 || fcntl(ends[0], F_SETFL, flags & ~O_NONBLOCK) != 0) {
        return -1;
    }
    signal_pipe_write_end = ends[1];
    for (int index = 0; index < count; index++) {
        struct sigaction action;
        memset(&action, 0, sizeof(action));
        action.sa_handler = forward_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        if (sigaction(signal_numbers[index], &action, NULL) != 0 || unblock_signal(signal_numbers[index]) != 0) {
            return -1;
        }
    }
    return ends[0];
}
