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

#endif
