#define _GNU_SOURCE
#include "CChildProcessShims.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)  // Linux 5.11; <linux/close_range.h>
#endif

#ifndef P_PIDFD
#define P_PIDFD 3  // Linux 5.4; glibc 2.36's headers do not name it
#endif

// A source fd that is also a lower target would be overwritten by an earlier dup2 in the child
// (`3>&1 1>&2 2>&3`). Moving such sources above every target first makes the order irrelevant.
static int move_sources_above_targets(const cp_spawn_request *r, int *sources, int *temporaries) {
    // All of them first: a failed move returns early, and the caller closes every temporary.
    for (int i = 0; i < r->fd_count; i++) temporaries[i] = -1;
    for (int i = 0; i < r->fd_count; i++) {
        int source = r->fd_sources[i];
        sources[i] = source;
        if (source >= 0 && source != i && source < r->fd_count) {
            int moved = fcntl(source, F_DUPFD_CLOEXEC, r->fd_count);
            if (moved < 0) return errno;
            temporaries[i] = moved;
            sources[i] = moved;
        }
    }
    return 0;
}

static void close_temporaries(const int *temporaries, int count) {
    for (int i = 0; i < count; i++)
        if (temporaries[i] >= 0) close(temporaries[i]);
}

static int spawn_with_posix_spawn(const cp_spawn_request *r, const int *sources, pid_t *pid) {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    sigset_t empty, all;
    int error;

    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
    sigemptyset(&empty);
    sigfillset(&all);
    // sigfillset leaves out glibc's internal signals (32, 33), and glibc's spawn helper then sets
    // them to SIG_IGN in the child, which execve keeps. Asking for their default too leaves the
    // new program with no ignored signal at all, as a fork+exec with explicit resets would.
    for (int sig = SIGRTMIN > 32 ? 32 : SIGRTMIN; sig < SIGRTMIN; sig++)
        ((unsigned long *)&all)[(sig - 1) / (8 * sizeof(unsigned long))] |= 1UL << ((sig - 1) % (8 * sizeof(unsigned long)));
    for (int sig = 1; sig <= 64 && sig < NSIG; sig++)
        if (r->kept_dispositions & (1ULL << (sig - 1))) sigdelset(&all, sig);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (r->new_session) flags |= POSIX_SPAWN_SETSID;
    else if (r->set_process_group) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, r->process_group);
    }
    posix_spawnattr_setflags(&attr, flags);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setsigdefault(&attr, &all);

    for (int i = 0; i < r->fd_count; i++) {
        // dup2(i, i) is glibc's documented way to clear FD_CLOEXEC on an fd kept in place.
        if (sources[i] >= 0) posix_spawn_file_actions_adddup2(&actions, sources[i], i);
        else posix_spawn_file_actions_addclose(&actions, i);
    }
    if (r->cwd) posix_spawn_file_actions_addchdir_np(&actions, r->cwd);
    posix_spawn_file_actions_addclosefrom_np(&actions, r->fd_count);

    error = posix_spawn(pid, r->path, &actions, &attr, r->argv, r->envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return error;
}

struct child_failure { int error; int step; };

static void _Noreturn report_failure(int report, struct child_failure failure) {
    (void)!write(report, &failure, sizeof failure);
    _exit(127);
}

// Signals the child's program should find at their defaults (all but the ones kept ignored).
static void reset_dispositions(const cp_spawn_request *r) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig > 64 || !(r->kept_dispositions & (1ULL << (sig - 1)))) sigaction(sig, &dfl, NULL);
}

// Runs in the forked child (or, replacing the process, in the process itself): async-signal-safe
// calls only. `report` is above every target fd, or -1 when there is nobody to report to; then
// the failure is returned.
static struct child_failure set_up_and_exec(const cp_spawn_request *r, const int *sources, int report) {
    struct child_failure failure = { 0, CP_STEP_DESCRIPTORS };
    sigset_t empty, all;
    // Everything stays blocked until exec: tcsetpgrp from a background group would otherwise
    // stop the child with SIGTTOU, now that its dispositions are the defaults.
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (!r->replace_process) reset_dispositions(r);

    if (r->parent_death_signal > 0 && !r->replace_process) {
        if (prctl(PR_SET_PDEATHSIG, r->parent_death_signal) < 0) goto fail;
        // A parent that died before prctl took effect sends nothing: the child, already
        // reparented, sees another parent pid, and dies of the signal as it would have.
        if (getppid() != r->expected_parent) {
            sigset_t only;
            sigemptyset(&only);
            sigaddset(&only, r->parent_death_signal);
            sigprocmask(SIG_UNBLOCK, &only, NULL);
            raise(r->parent_death_signal);
            _exit(128 + r->parent_death_signal);
        }
    }
    if (r->new_session) setsid();
    else if (r->set_process_group) setpgid(0, r->process_group);
    // In the child, before exec: a program that reads the terminal at once must not find
    // itself in a background group (and stop with SIGTTIN) before the parent gets to it.
    if (r->foreground_terminal >= 0) tcsetpgrp(r->foreground_terminal, getpgrp());

    for (int i = 0; i < r->fd_count; i++) {
        if (sources[i] < 0) { close(i); continue; }
        if (sources[i] == i) {
            int flags = fcntl(i, F_GETFD);
            if (flags < 0 || fcntl(i, F_SETFD, flags & ~FD_CLOEXEC) < 0) goto fail;
        } else if (dup2(sources[i], i) < 0) goto fail;
    }
    // Everything above the targets goes, except the report pipe: a failure from here on (chdir,
    // setuid, exec) must still reach the parent. Its FD_CLOEXEC closes it on a successful exec.
    // Replacing this process, whose other threads still run until execve, they go only with it:
    // closed now, the reactor's epoll descriptor would fail under its thread, and a number reused
    // meanwhile would be closed again by its owner (Linux 5.11; before it, they are closed now).
    if (report < 0) {
        if (syscall(SYS_close_range, (unsigned)r->fd_count, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
            syscall(SYS_close_range, (unsigned)r->fd_count, ~0U, 0U);
    } else {
        if (report > r->fd_count) syscall(SYS_close_range, (unsigned)r->fd_count, (unsigned)report - 1, 0U);
        syscall(SYS_close_range, (unsigned)report + 1, ~0U, 0U);
    }
    // The new session has no controlling terminal yet: this one becomes it, with the child's group
    // in the foreground, so the line discipline's Ctrl-C and SIGWINCH reach the child.
    if (r->controlling_terminal >= 0 && ioctl(r->controlling_terminal, TIOCSCTTY, 0) < 0) goto fail;

    failure.step = CP_STEP_CHDIR;
    if (r->cwd && chdir(r->cwd) < 0) goto fail;
    failure.step = CP_STEP_CREDENTIALS;
    if (r->set_uid || r->set_gid) setgroups(0, NULL);
    if (r->set_gid && setgid(r->gid) < 0) goto fail;
    if (r->set_uid && setuid(r->uid) < 0) goto fail;
    // Replacing this process, last before exec: its other threads, whose masks are their own,
    // keep its handlers and its SIGPIPE ignored until the very end.
    if (r->replace_process) reset_dispositions(r);
    failure.step = CP_STEP_EXEC;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    execve(r->path, r->argv, r->envp);
fail:
    failure.error = errno;
    return failure;
}

static void _Noreturn exec_in_child(const cp_spawn_request *r, const int *sources, int report) {
    report_failure(report, set_up_and_exec(r, sources, report));
}

static int spawn_with_fork(const cp_spawn_request *r, const int *sources, pid_t *pid, int *failed_step) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0) { *failed_step = CP_STEP_REPORT_PIPE; return errno; }
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(report[0]); close(report[1]);
        *failed_step = CP_STEP_FORK;
        return error;
    }
    if (child == 0) {
        close(report[0]);
        // The report pipe must survive the dup2 loop: move it above every target fd.
        int high = fcntl(report[1], F_DUPFD_CLOEXEC, r->fd_count);
        if (high < 0) report_failure(report[1], (struct child_failure){ errno, CP_STEP_DESCRIPTORS });
        close(report[1]);
        exec_in_child(r, sources, high);
    }
    close(report[1]);
    struct child_failure failure;
    ssize_t got;
    do got = read(report[0], &failure, sizeof failure); while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        *failed_step = failure.step;
        return failure.error;
    }
    *pid = child;
    return 0;
}

int cp_spawn(const cp_spawn_request *r, pid_t *pid, int *failed_step) {
    int sources[r->fd_count > 0 ? r->fd_count : 1];
    int temporaries[r->fd_count > 0 ? r->fd_count : 1];
    *failed_step = CP_STEP_DESCRIPTORS;
    int error = move_sources_above_targets(r, sources, temporaries);
    if (error == 0) {
        *failed_step = CP_STEP_EXEC;
        if (r->replace_process) {
            struct child_failure failure = set_up_and_exec(r, sources, -1);
            *failed_step = failure.step;
            return failure.error;
        }
        if (r->set_uid || r->set_gid || r->foreground_terminal >= 0 || r->controlling_terminal >= 0
            || r->parent_death_signal > 0) error = spawn_with_fork(r, sources, pid, failed_step);
        else error = spawn_with_posix_spawn(r, sources, pid);
    }
    close_temporaries(temporaries, r->fd_count);
    return error;
}

int cp_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int cp_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int cp_wifexited(int status) { return WIFEXITED(status); }
int cp_wexitstatus(int status) { return WEXITSTATUS(status); }
int cp_wifsignaled(int status) { return WIFSIGNALED(status); }
int cp_wtermsig(int status) { return WTERMSIG(status); }
int cp_wifstopped(int status) { return WIFSTOPPED(status); }
int cp_wstopsig(int status) { return WSTOPSIG(status); }

int cp_wait_job_state(int pidfd, int *signal) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PIDFD, (id_t)pidfd, &info, WSTOPPED | WCONTINUED | WNOHANG) < 0) return -1;
    if (info.si_pid == 0) return 0;
    if (info.si_code == CLD_STOPPED || info.si_code == CLD_TRAPPED) {
        *signal = info.si_status;
        return 1;
    }
    return info.si_code == CLD_CONTINUED ? 2 : 0;
}
