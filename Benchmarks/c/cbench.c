// The C reference loops of cpl's benchmarks, and the command timer used for shell rows.
// Built by Benchmarks/run with: gcc -O2 -o Benchmarks/.build/cbench Benchmarks/c/cbench.c
//
//   cbench spawn N                 posix_spawn("/bin/true") + waitpid, N times (stdio inherited)
//   cbench capture BYTES           head -c BYTES /dev/zero into memory: read(2) into a realloc'd buffer
//   cbench relay BYTES rw|splice   head -c BYTES /dev/zero -> parent -> wc -c, by read/write or splice(2)
//   cbench pretouch BYTES          touches BYTES of memory once (see pretouch)
//   cbench cmd N EXPECT ARGV...    runs ARGV N times (after one untimed run when N > 1); each run's
//                                  stdout must equal EXPECT unless EXPECT is "-", and its exit status
//                                  must be 0; reports seconds per run
//
// Each prints "RESULT <value> <peak RSS KiB>" as its last line: seconds per operation for spawn and
// cmd (cmd reports its largest child's peak RSS), bytes per second for capture and relay.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Peak RSS in KiB. For this process: VmHWM of /proc/self/status, i.e. ru_maxrss without the
// high-water mark execve carries over from a parent that spawned us with vfork (the driver's).
// For children (cmd): getrusage(RUSAGE_CHILDREN).ru_maxrss, the largest child's.
static long peak_rss_kib(int who) {
    if (who == RUSAGE_SELF) {
        FILE *status = fopen("/proc/self/status", "r");
        char line[256];
        long kib = -1;
        while (status && fgets(line, sizeof line, status))
            if (strncmp(line, "VmHWM:", 6) == 0) kib = strtol(line + 6, NULL, 10);
        if (status) fclose(status);
        if (kib >= 0) return kib;
    }
    struct rusage usage;
    getrusage(who, &usage);
    return usage.ru_maxrss;
}

static void die(const char *what) {
    fprintf(stderr, "error: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int warmups(long iterations) {
    long w = iterations / 10;
    return (int)(w < 1 ? 1 : w > 50 ? 50 : w);
}

static pid_t spawn_with(char *const argv[], int in, int out) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in >= 0) posix_spawn_file_actions_adddup2(&actions, in, 0);
    if (out >= 0) posix_spawn_file_actions_adddup2(&actions, out, 1);
    pid_t pid;
    int error = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error) { errno = error; die(argv[0]); }
    return pid;
}

static int wait_for(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    return status;
}

static int bench_spawn(long n) {
    char *argv[] = { "/bin/true", NULL };
    int w = warmups(n);
    double start = 0;
    for (long i = -w; i < n; i++) {
        if (i == 0) start = now();
        pid_t pid;
        int error = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
        if (error) { errno = error; die("posix_spawn"); }
        int status = wait_for(pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "error: /bin/true failed\n"); return 1; }
    }
    double elapsed = now() - start;
    printf("RESULT %.9g %ld\n", elapsed / (double)n, peak_rss_kib(RUSAGE_SELF));
    return 0;
}

static int bench_capture(long bytes) {
    char count[32];
    snprintf(count, sizeof count, "%ld", bytes);
    char *argv[] = { "head", "-c", count, "/dev/zero", NULL };
    double start = now();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) die("pipe2");
    pid_t pid = spawn_with(argv, -1, fds[1]);
    close(fds[1]);
    size_t capacity = 1 << 16, length = 0;
    char *buffer = malloc(capacity);
    for (;;) {
        if (length == capacity) {
            capacity *= 2;
            buffer = realloc(buffer, capacity);
            if (!buffer) die("realloc");
        }
        ssize_t got = read(fds[0], buffer + length, capacity - length);
        if (got < 0) { if (errno == EINTR) continue; die("read"); }
        if (got == 0) break;
        length += (size_t)got;
    }
    close(fds[0]);
    int status = wait_for(pid);
    double elapsed = now() - start;
    if (length != (size_t)bytes || status != 0) { fprintf(stderr, "error: got %zu bytes, status %d\n", length, status); return 1; }
    printf("RESULT %.9g %ld\n", (double)bytes / elapsed, peak_rss_kib(RUSAGE_SELF));
    free(buffer);
    return 0;
}

static int bench_relay(long bytes, int use_splice) {
    char count[32];
    snprintf(count, sizeof count, "%ld", bytes);
    char *head[] = { "head", "-c", count, "/dev/zero", NULL };
    char *wc[] = { "wc", "-c", NULL };
    double start = now();
    int from[2], to[2], result[2];
    if (pipe2(from, O_CLOEXEC) < 0 || pipe2(to, O_CLOEXEC) < 0 || pipe2(result, O_CLOEXEC) < 0) die("pipe2");
    pid_t producer = spawn_with(head, -1, from[1]);
    pid_t consumer = spawn_with(wc, to[0], result[1]);
    close(from[1]); close(to[0]); close(result[1]);
    if (use_splice) {
        for (;;) {
            ssize_t moved = splice(from[0], NULL, to[1], NULL, 1 << 20, SPLICE_F_MOVE);
            if (moved < 0) { if (errno == EINTR) continue; die("splice"); }
            if (moved == 0) break;
        }
    } else {
        static char chunk[1 << 16];
        for (;;) {
            ssize_t got = read(from[0], chunk, sizeof chunk);
            if (got < 0) { if (errno == EINTR) continue; die("read"); }
            if (got == 0) break;
            for (ssize_t off = 0; off < got;) {
                ssize_t put = write(to[1], chunk + off, (size_t)(got - off));
                if (put < 0) { if (errno == EINTR) continue; die("write"); }
                off += put;
            }
        }
    }
    close(from[0]); close(to[1]);
    char answer[64] = { 0 };
    size_t length = 0;
    for (ssize_t got; (got = read(result[0], answer + length, sizeof answer - 1 - length)) > 0;) length += (size_t)got;
    close(result[0]);
    wait_for(producer);
    wait_for(consumer);
    double elapsed = now() - start;
    if (strtol(answer, NULL, 10) != bytes) { fprintf(stderr, "error: wc -c said %s\n", answer); return 1; }
    printf("RESULT %.9g %ld\n", (double)bytes / elapsed, peak_rss_kib(RUSAGE_SELF));
    return 0;
}

// Runs argv once with stdout captured; returns 0 when it exited 0 and printed `expect` (modulo
// surrounding blanks), else prints why and returns 1.
static int run_command(char *const argv[], const char *expect) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) die("pipe2");
    pid_t pid = spawn_with(argv, -1, fds[1]);
    close(fds[1]);
    char output[4096];
    size_t length = 0;
    for (;;) {
        ssize_t got = read(fds[0], output + length, sizeof output - 1 - length);
        if (got < 0) { if (errno == EINTR) continue; die("read"); }
        if (got == 0) break;
        length += (size_t)got;
        if (length == sizeof output - 1) length = 0;  // keep reading; only short outputs are checked
    }
    output[length] = 0;
    close(fds[0]);
    int status = wait_for(pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "error: %s exited with status 0x%x; stdout: %.200s\n", argv[0], status, output);
        return 1;
    }
    if (strcmp(expect, "-") != 0) {
        char *text = output;
        while (*text == ' ' || *text == '\t' || *text == '\n') text++;
        size_t n = strlen(text);
        while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\t')) text[--n] = 0;
        if (strcmp(text, expect) != 0) {
            fprintf(stderr, "error: %s printed \"%.200s\", expected \"%s\"\n", argv[0], text, expect);
            return 1;
        }
    }
    return 0;
}

static int bench_cmd(long n, const char *expect, char *const argv[]) {
    // One untimed run when there are several timed ones (a single long run is its own warm-up).
    if (n > 1 && run_command(argv, expect)) return 1;
    double start = now();
    for (long i = 0; i < n; i++)
        if (run_command(argv, expect)) return 1;
    double elapsed = now() - start;
    printf("RESULT %.9g %ld\n", elapsed / (double)n, peak_rss_kib(RUSAGE_CHILDREN));
    return 0;
}

// Touches BYTES of fresh memory once and frees it: on a VM the first touch of guest memory is
// several times slower than later ones, which would otherwise bias whichever contender runs first.
static int pretouch(long bytes) {
    volatile char *memory = malloc((size_t)bytes);
    if (!memory) die("malloc");
    for (long i = 0; i < bytes; i += 4096) memory[i] = 1;
    free((void *)memory);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "pretouch") == 0) return pretouch(atol(argv[2]));
    if (argc >= 3 && strcmp(argv[1], "spawn") == 0) return bench_spawn(atol(argv[2]));
    if (argc >= 3 && strcmp(argv[1], "capture") == 0) return bench_capture(atol(argv[2]));
    if (argc >= 4 && strcmp(argv[1], "relay") == 0) return bench_relay(atol(argv[2]), strcmp(argv[3], "splice") == 0);
    if (argc >= 5 && strcmp(argv[1], "cmd") == 0) return bench_cmd(atol(argv[2]), argv[3], argv + 4);
    fprintf(stderr, "usage: cbench spawn N | capture BYTES | relay BYTES rw|splice | cmd N EXPECT ARGV...\n");
    return 2;
}
