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

/// Like `glare_spawn_in_new_group`, with standard input on `input_fd` instead of /dev/null.
int glare_spawn_in_new_group_with_input(const char *path, char *const argv[], char *const envp[], int input_fd,
                                        int output_fd, pid_t *pid_out);

/// fork() whose child is a child of the caller's parent (Linux `clone(CLONE_PARENT | SIGCHLD)`):
/// the parent reaps it and gets its SIGCHLD. No fork handlers run, so call it only from a
/// single-threaded process. Returns the child's pid in the caller, 0 in the child, -1 with errno set.
pid_t glare_clone_sibling(void);

/// In a child made by `glare_clone_sibling`: a process group of its own, default signal dispositions
/// and an empty mask, standard input from /dev/null, output and errors on `output_fd`, and every
/// descriptor from 3 up closed. Returns 0, or -1 with errno set.
int glare_sibling_setup(int output_fd);

/// Remembers where the strings of `argv` and `environ` lie as the process started (what
/// /proc/self/cmdline and /proc/self/environ read); call it first thing, before any setenv.
void glare_remember_command_areas(int argc, char **argv);

/// Overwrites those areas with `arguments` and `environment` (each a run of NUL-terminated strings)
/// and NULs after them, so `ps` shows them: a zygote's child shows its own command and environment.
/// Strings that do not fit are left out. Returns 0 when everything fitted, else -1.
int glare_show_command(const char *arguments, size_t arguments_length, const char *environment,
                       size_t environment_length);

/// A connected pair of close-on-exec Unix SOCK_SEQPACKET sockets. Returns 0, or -1 with errno set.
int glare_seqpacket_pair(int descriptors[2]);

/// Sends one message with `descriptor` attached (SCM_RIGHTS) unless it is -1; never raises SIGPIPE.
/// Returns the bytes sent, or -1 with errno set.
ssize_t glare_send_message(int socket_fd, const void *data, size_t length, int descriptor);

/// Receives one message into `buffer` and the descriptor sent with it (close-on-exec), or -1 in
/// `*descriptor_out` when none came. Returns the bytes received (0 when the peer closed), or -1 with
/// errno set (EMSGSIZE for a message longer than `capacity`).
ssize_t glare_receive_message(int socket_fd, void *buffer, size_t capacity, int *descriptor_out);

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
