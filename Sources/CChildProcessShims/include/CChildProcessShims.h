#ifndef C_CHILD_PROCESS_SHIMS_H
#define C_CHILD_PROCESS_SHIMS_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <poll.h>

/// Everything a new process needs, decided by Swift before the call.
typedef struct cp_spawn_request {
    const char *path;            // file to execute (already resolved against PATH)
    char *const *argv;
    char *const *envp;
    const int *fd_sources;       // fd_sources[i]: parent fd that becomes child fd i, or -1 (closed)
    int fd_count;
    const char *cwd;             // NULL: inherit
    int new_session;             // setsid()
    int set_process_group;       // setpgid(0, process_group)
    pid_t process_group;         // 0: a new group led by the child
    int foreground_terminal;     // -1, or a terminal whose foreground group the child's group becomes
    int controlling_terminal;    // -1, or the child fd (a terminal) that becomes its controlling terminal: needs new_session
    uint64_t kept_dispositions;  // bit (n - 1): signal n keeps this process's disposition (not the default)
    int set_uid;
    uid_t uid;
    int set_gid;
    gid_t gid;
    int replace_process;         // exec in this process instead of a child (a shell's `exec cmd`)
    int parent_death_signal;     // 0, or PR_SET_PDEATHSIG's signal (fork path)
    pid_t expected_parent;       // getpid() of the spawning process, checked after prctl
} cp_spawn_request;

/// Which step of starting the child failed (only the fork path can tell; posix_spawn reports exec).
/// CP_STEP_REPORT_PIPE: the fork path's pipe for the child's failure report could not be made.
enum { CP_STEP_EXEC = 0, CP_STEP_CHDIR = 1, CP_STEP_CREDENTIALS = 2, CP_STEP_DESCRIPTORS = 3, CP_STEP_FORK = 4,
       CP_STEP_REPORT_PIPE = 5 };

/// Starts a child: posix_spawn when it can, fork+exec only for uid/gid, the foreground terminal, the
/// controlling terminal and the parent-death signal (glibc 2.36's posix_spawn can call neither
/// tcsetpgrp, TIOCSCTTY nor prctl in the child).
/// Returns 0 and sets *pid, or returns an errno value and sets *failed_step.
int cp_spawn(const cp_spawn_request *request, pid_t *pid, int *failed_step);

/// With `replace_process`, cp_spawn sets this process up as it would a child and execs: it
/// returns only when that failed, and then the process's descriptors and signal dispositions
/// are already the ones asked for (all that is left is to report and exit).

/// A new pseudo-terminal of the given size: descriptors[0] the parent's end, descriptors[1] the
/// child's (both O_CLOEXEC and O_NOCTTY), `name` its device path. 0, or -1 and errno.
int cp_open_pseudo_terminal(int descriptors[2], char *name, size_t capacity, unsigned short rows, unsigned short columns);
/// TIOCSWINSZ and TIOCGWINSZ (ioctl is variadic: Swift cannot call it). 0, or -1 and errno.
int cp_set_window_size(int descriptor, unsigned short rows, unsigned short columns);
int cp_get_window_size(int descriptor, unsigned short *rows, unsigned short *columns);

/// splice(2) of at most `count` bytes from `from` to `to` (one of them a pipe), without blocking
/// (SPLICE_F_NONBLOCK | SPLICE_F_MOVE); Swift's Glibc module does not export splice. Bytes moved
/// (0: end of input), or -1 and errno.
ssize_t cp_splice(int from, int to, size_t count);
/// ioctl(FIONREAD) (variadic: Swift cannot call it): bytes ready to read, or -1 and errno.
int cp_readable_byte_count(int descriptor);
/// fcntl(F_SETPIPE_SZ) (Swift's Glibc module does not export it): the capacity set, in bytes, or
/// -1 and errno.
int cp_set_pipe_capacity(int descriptor, int bytes);

int cp_pidfd_open(pid_t pid);
int cp_pidfd_send_signal(int pidfd, int signal);

/// sendmsg with one descriptor as SCM_RIGHTS (fd < 0: plain data). Returns bytes sent or -1.
ssize_t cp_send_with_descriptor(int socket, const void *bytes, size_t count, int descriptor);
/// recvmsg accepting up to max_descriptors SCM_RIGHTS descriptors (received O_CLOEXEC).
ssize_t cp_receive_with_descriptors(int socket, void *bytes, size_t count, int *descriptors,
                                    int max_descriptors, int *received_descriptors);

/// accept4(SOCK_CLOEXEC | SOCK_NONBLOCK), which Swift's Glibc module does not export. -1 and errno on failure.
int cp_accept_nonblocking(int socket);

int cp_wifexited(int status);
int cp_wexitstatus(int status);
int cp_wifsignaled(int status);
int cp_wtermsig(int status);
int cp_wifstopped(int status);
int cp_wstopsig(int status);

/// Job-control state of a child, consumed with waitid(P_PIDFD, WSTOPPED | WCONTINUED | WNOHANG):
/// 0 nothing new, 1 stopped (*signal set), 2 continued, -1 error (errno).
int cp_wait_job_state(int pidfd, int *signal);

/// Catches `signal` with a handler that counts it and writes one byte to `notify_fd` (a
/// non-blocking pipe), so the reactor learns of it. Returns sigaction's result.
int cp_signal_catch(int signal, int notify_fd);
/// How many times `signal` arrived since the last call.
unsigned cp_signal_take(int signal);

#endif
