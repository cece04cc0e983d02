#include "CChildProcessShims.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

// A signal handler may only do async-signal-safe things: count the signal and wake the reactor.
static atomic_uint arrivals[NSIG];
static atomic_int notify_descriptor = -1;

static void record_arrival(int signal) {
    int saved = errno;
    atomic_fetch_add(&arrivals[signal], 1);
    int fd = atomic_load(&notify_descriptor);
    if (fd >= 0) {
        char byte = (char)signal;
        (void)!write(fd, &byte, 1);  // a full pipe already means "wake up"
    }
    errno = saved;
}

int cp_signal_catch(int signal, int notify_fd) {
    if (signal <= 0 || signal >= NSIG) { errno = EINVAL; return -1; }
    atomic_store(&notify_descriptor, notify_fd);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record_arrival;
    sigfillset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(signal, &action, NULL);
}

unsigned cp_signal_take(int signal) {
    if (signal <= 0 || signal >= NSIG) return 0;
    return atomic_exchange(&arrivals[signal], 0);
}
