#include "glare_system.h"

#include <stddef.h>
#include <sys/socket.h>

int glare_get_peer_credentials(int socket_fd, glare_peer_credentials *out) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return -1;
    }
    out->pid = credentials.pid;
    out->uid = credentials.uid;
    out->gid = credentials.gid;
    return 0;
}

int glare_accept_cloexec(int listening_fd) {
    return accept4(listening_fd, NULL, NULL, SOCK_CLOEXEC);
}
