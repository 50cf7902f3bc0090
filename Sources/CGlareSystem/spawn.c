#include "glare_system.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

int glare_spawn_in_new_group(const char *path, char *const argv[], char *const envp[], int output_fd,
                             pid_t *pid_out) {
    return glare_spawn_in_new_group_with_input(path, argv, envp, -1, output_fd, pid_out);
}

int glare_spawn_in_new_group_with_input(const char *path, char *const argv[], char *const envp[], int input_fd,
                                        int output_fd, pid_t *pid_out) {
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    int result = posix_spawnattr_init(&attributes);
    if (result != 0) {
        return result;
    }
    result = posix_spawn_file_actions_init(&actions);
    if (result != 0) {
        posix_spawnattr_destroy(&attributes);
        return result;
    }

    // The child starts in a process group of its own (pgid = its pid), with no blocked signals and
    // the default disposition for the signals the daemon handles or ignores, whatever the daemon's
    // own mask and handlers are.
    sigset_t empty_mask;
    sigset_t default_signals;
    sigemptyset(&empty_mask);
    sigemptyset(&default_signals);
    sigaddset(&default_signals, SIGTERM);
    sigaddset(&default_signals, SIGINT);
    sigaddset(&default_signals, SIGHUP);
    sigaddset(&default_signals, SIGPIPE);
    sigaddset(&default_signals, SIGCHLD);
    sigaddset(&default_signals, SIGQUIT);

    short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if ((result = posix_spawnattr_setflags(&attributes, flags)) != 0 ||
        (result = posix_spawnattr_setpgroup(&attributes, 0)) != 0 ||
        (result = posix_spawnattr_setsigmask(&attributes, &empty_mask)) != 0 ||
        (result = posix_spawnattr_setsigdefault(&attributes, &default_signals)) != 0) {
        goto done;
    }

    // Standard input is /dev/null (or `input_fd`); output and errors go to the job's log. Every other
    // descriptor is closed, so a socket or database the daemon forgot to mark close-on-exec never leaks.
    result = input_fd >= 0 ? posix_spawn_file_actions_adddup2(&actions, input_fd, 0)
                           : posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (result != 0 ||
        (result = posix_spawn_file_actions_adddup2(&actions, output_fd, 1)) != 0 ||
        (result = posix_spawn_file_actions_adddup2(&actions, output_fd, 2)) != 0 ||
        (result = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) != 0) {
        goto done;
    }

    result = posix_spawn(pid_out, path, &actions, &attributes, argv, envp);

done:
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return result;
}
