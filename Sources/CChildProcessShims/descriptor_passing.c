#define _GNU_SOURCE
#include "CChildProcessShims.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t cp_send_with_descriptor(int socket, const void *bytes, size_t count, int descriptor) {
    struct iovec iov = { (void *)bytes, count };
    struct msghdr message;
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    if (descriptor >= 0) {
        memset(&control, 0, sizeof control);
        message.msg_control = control.space;
        message.msg_controllen = sizeof control.space;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &descriptor, sizeof(int));
    }
    ssize_t sent;
    do sent = sendmsg(socket, &message, MSG_NOSIGNAL); while (sent < 0 && errno == EINTR);
    return sent;
}

ssize_t cp_receive_with_descriptors(int socket, void *bytes, size_t count, int *descriptors,
                                    int max_descriptors, int *received_descriptors) {
    struct iovec iov = { bytes, count };
    struct msghdr message;
    char space[CMSG_SPACE(sizeof(int) * 16)];
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = space;
    message.msg_controllen = sizeof space;
    *received_descriptors = 0;
    ssize_t got;
    do got = recvmsg(socket, &message, MSG_CMSG_CLOEXEC); while (got < 0 && errno == EINTR);
    if (got < 0) return got;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&message); h; h = CMSG_NXTHDR(&message, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
        int n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *fds = (int *)CMSG_DATA(h);
        for (int i = 0; i < n; i++) {
            // Descriptors beyond what the caller can hold are closed, never leaked.
            if (*received_descriptors < max_descriptors) descriptors[(*received_descriptors)++] = fds[i];
            else close(fds[i]);
        }
    }
    return got;
}
