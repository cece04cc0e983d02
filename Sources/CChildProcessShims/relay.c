#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>

#include "CChildProcessShims.h"

ssize_t cp_splice(int from, int to, size_t count) {
    return splice(from, NULL, to, NULL, count, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
}

int cp_readable_byte_count(int descriptor) {
    int count = 0;
    if (ioctl(descriptor, FIONREAD, &count) < 0) return -1;
    return count;
}

int cp_set_pipe_capacity(int descriptor, int bytes) {
    return fcntl(descriptor, F_SETPIPE_SZ, bytes);
}
