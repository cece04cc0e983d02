// How the driver runs one contender: posix_spawn with stdout and stderr captured, a deadline, and
// nothing from the library under test (so a ChildProcess bug cannot skew or hide a peer's numbers).
import Glibc

struct Finished {
    var status: Int32 = -1
    var stdout = ""
    var stderr = ""
    var timedOut = false
    var launchError: String?

    var succeeded: Bool { launchError == nil && !timedOut && status == 0 }

    /// `RESULT <value> <peak RSS KiB>`, the last such line of stdout.
    var result: (value: Double, peakRSSKiB: Int)? {
        for line in stdout.split(separator: "\n").reversed() where line.hasPrefix("RESULT ") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let value = Double(fields[1]), let rss = Int(fields[2]) else { return nil }
            return (value, rss)
        }
        return nil
    }

    /// One line saying why it failed.
    var failure: String {
        if let launchError { return launchError }
        if timedOut { return "timed out" }
        let said = stderr.split(separator: "\n").last(where: { $0.contains("error") || $0.contains("rror:") })
            ?? stderr.split(separator: "\n").last ?? stdout.split(separator: "\n").last ?? ""
        let trimmed = said.count > 160 ? String(said.prefix(160)) + "…" : String(said)
        let how = status >= 0 && status & 0x7f == 0 ? "exit \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
        return "\(how): \(trimmed)"
    }
}

enum Launcher {
    /// Runs `argv` (argv[0] looked up in PATH unless it has a slash) with stdin from /dev/null.
    static func run(_ argv: [String], timeout: Double) -> Finished {
        var finished = Finished()
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard pipe(&out) == 0, pipe(&err) == 0 else {
            finished.launchError = "pipe failed"
            return finished
        }
        for fd in [out[0], err[0]] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addclose(&actions, out[1])
        posix_spawn_file_actions_addclose(&actions, err[1])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        // Each contender leads its own process group, so a timeout can end all it started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        let error = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, environ)
        for pointer in cArgs { free(pointer) }
        posix_spawn_file_actions_destroy(&actions)
        posix_spawnattr_destroy(&attributes)
        close(out[1])
        close(err[1])
        if error != 0 {
            close(out[0])
            close(err[0])
            finished.launchError = "cannot run \(argv[0]): \(String(cString: strerror(error)))"
            return finished
        }
        var outBytes: [UInt8] = []
        var errBytes: [UInt8] = []
        var open = [out[0], err[0]]
        let deadline = now() + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            let left = deadline - now()
            if left <= 0 {
                finished.timedOut = true
                kill(-pid, SIGKILL)
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left, 1) * 1000) + 1)
            if ready <= 0 { continue }
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == out[0] { outBytes += buffer[..<count] } else { errBytes += buffer[..<count] }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                }
            }
        }
        for fd in open { close(fd) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        finished.status = status
        finished.stdout = String(decoding: outBytes, as: UTF8.self)
        finished.stderr = String(decoding: errBytes, as: UTF8.self)
        return finished
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The first line a command prints, or nil.
    static func firstLine(_ argv: [String]) -> String? {
        let finished = run(argv, timeout: 20)
        guard finished.succeeded else { return nil }
        let text = finished.stdout.isEmpty ? finished.stderr : finished.stdout
        return text.split(separator: "\n").first.map(String.init)
    }

    /// `path` from the working directory (the repository root) on, for a command run elsewhere.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let directory = getcwd(nil, 0) else { return path }
        defer { free(directory) }
        return String(cString: directory) + "/" + path
    }

    /// Whether `name` is an executable file somewhere in PATH (or is a path to one).
    static func which(_ name: String) -> Bool {
        if name.contains("/") { return access(name, X_OK) == 0 }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/bin:/usr/bin"
        return path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
