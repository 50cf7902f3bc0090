#ifndef GLARE_SYSTEM_H
#define GLARE_SYSTEM_H

#include <sys/types.h>

/// The credentials of the process at the other end of a connected Unix socket, from SO_PEERCRED.
typedef struct glare_peer_credentials {
    pid_t pid;
    uid_t uid;
    gid_t gid;
} glare_peer_credentials;

/// Fills `out` from SO_PEERCRED. Returns 0, or -1 with errno set.
int glare_get_peer_credentials(int socket_fd, glare_peer_credentials *out);

/// accept4 with SOCK_CLOEXEC (a GNU call Swift cannot see). Returns the descriptor, or -1 with errno set.
int glare_accept_cloexec(int listening_fd);

/// Starts `path` with `argv` and `envp` through posix_spawn, in a new process group of its own,
/// with an empty signal mask and default signal dispositions, standard input from /dev/null,
/// standard output and error on `output_fd`, and every other descriptor closed.
/// Returns 0 and sets `*pid_out`, or an errno value.
int glare_spawn_in_new_group(const char *path, char *const argv[], char *const envp[], int output_fd,
                             pid_t *pid_out);

/// Installs a handler for `signal_number` that only sets a flag (async-signal-safe).
/// Returns 0, or -1 with errno set.
int glare_install_stop_handler(int signal_number);

/// Whether the handler has run: 1 once the signal arrived, else 0.
int glare_stop_requested(void);

/// Installs handlers for `signal_numbers` that write each signal's number as one byte to a pipe
/// (the self-pipe pattern: async-signal-safe, independent of thread signal masks).
/// Returns the pipe's read end (blocking, close-on-exec), or -1 with errno set.
int glare_signal_pipe_install(const int *signal_numbers, int count);

#endif
