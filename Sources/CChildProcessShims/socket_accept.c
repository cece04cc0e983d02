#define _GNU_SOURCE
#include "CChildProcessShims.h"

#include <errno.h>
#include <sys/socket.h>

int cp_accept_nonblocking(int socket) {
    int accepted;
    do accepted = accept4(socket, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK); while (accepted < 0 && errno == EINTR);
    return accepted;
}
