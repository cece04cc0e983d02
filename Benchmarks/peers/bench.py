"""Python's subprocess as a contender.

    python3 bench.py spawn N         subprocess.run(["/bin/true"]) N times in sequence (stdio inherited)
    python3 bench.py capture BYTES   subprocess.run(["head", "-c", BYTES, "/dev/zero"], stdout=PIPE)

Prints "RESULT <value> <peak RSS KiB>": seconds per spawn, or bytes per second.
"""
import resource
import subprocess
import sys
import time


def peak_rss_kib():
    """VmHWM of /proc/self/status: ru_maxrss without what execve carries over from a vfork'ing parent."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report(value):
    print(f"RESULT {value} {peak_rss_kib()}", flush=True)


def spawn(count):
    warmups = min(50, max(1, count // 10))
    start = 0.0
    for i in range(-warmups, count):
        if i == 0:
            start = time.monotonic()
        subprocess.run(["/bin/true"], check=True)
    report((time.monotonic() - start) / count)


def capture(count):
    start = time.monotonic()
    out = subprocess.run(["head", "-c", str(count), "/dev/zero"], stdout=subprocess.PIPE, check=True).stdout
    elapsed = time.monotonic() - start
    if len(out) != count:
        sys.exit(f"error: captured {len(out)} bytes")
    report(count / elapsed)


if __name__ == "__main__":
    mode, number = sys.argv[1], int(sys.argv[2])
    {"spawn": spawn, "capture": capture}[mode](number)
