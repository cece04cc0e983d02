#define _GNU_SOURCE
#include "CChildProcessShims.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int cp_open_pseudo_terminal(int descriptors[2], char *name, size_t capacity, unsigned short rows, unsigned short columns) {
    // O_NOCTTY on both ends: this process must not acquire the terminal; only the child does (TIOCSCTTY).
    int parent = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (parent < 0) return -1;
    int error;
    if (grantpt(parent) < 0 || unlockpt(parent) < 0) goto fail;
    if ((error = ptsname_r(parent, name, capacity)) != 0) { errno = error; goto fail; }
    if (cp_set_window_size(parent, rows, columns) < 0) goto fail;
    int child = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (child < 0) goto fail;
    descriptors[0] = parent;
    descriptors[1] = child;
    return 0;
fail:
    error = errno;
    close(parent);
    errno = error;
    return -1;
}

int cp_set_window_size(int descriptor, unsigned short rows, unsigned short columns) {
    struct winsize size = { .ws_row = rows, .ws_col = columns };
    return ioctl(descriptor, TIOCSWINSZ, &size);
}

int cp_get_window_size(int descriptor, unsigned short *rows, unsigned short *columns) {
    struct winsize size;
    if (ioctl(descriptor, TIOCGWINSZ, &size) < 0) return -1;
    *rows = size.ws_row;
    *columns = size.ws_col;
    return 0;
}
