// Runs one script under one shell in a fresh temporary directory and captures what the
// differential tests compare: stdout, stderr, the exit status and the files left behind.
//
// Spawning is plain posix_spawn (no Foundation.Process: it polls every 50 ms and leaks fds).
// The child gets: its own process group (so leftovers can be killed as a group), an empty signal
// mask and default dispositions for every signal (the test host may ignore SIGPIPE, which would
// turn `yes | head` into write errors), only fds 0-2 (pipes are O_CLOEXEC and closefrom(3) runs),
// and a fixed environment. All waiting is bounded by a deadline; on expiry the whole group is killed.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// What a shell run produced, with the temporary directory's path replaced by `$TMP`.
struct ShellResult: Sendable, Equatable {
    enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        case timedOut(Double)
        case spawnFailed(String)

        var description: String {
            switch self {
            case .exited(let code): return "exit \(code)"
            case .signaled(let signal): return "killed by signal \(signal)"
            case .timedOut(let seconds): return "TIMED OUT after \(seconds) s (process group killed)"
            case .spawnFailed(let message): return "spawn failed: \(message)"
            }
        }

        var exitCode: Int32? {
            if case .exited(let code) = self { return code }
            return nil
        }
    }

    var stdout: String
    var stderr: String
    var termination: Termination
    /// One entry per path below the temporary directory, sorted: "d name/", "f name (mode): contents", "l name -> target".
    var files: [String]
}

/// How to invoke a shell: `executable` + `leadingArguments` + ["-c", script, arg0] + args.
struct ShellCommand: Sendable {
    var label: String
    var executable: String
    var leadingArguments: [String] = []
}

enum ShellRunner {
    static let fixedPath = "/usr/bin:/bin"

    /// Runs `script` under `shell` in a fresh temporary directory which is then removed.
    static func run(
        _ shell: ShellCommand, script: String, arg0: String, args: [String],
        stdin: String?, timeout: Double
    ) -> ShellResult {
        guard let tmp = makeTemporaryDirectory(prefix: "cpl-diff-") else {
            return ShellResult(stdout: "", stderr: "", termination: .spawnFailed("mkdtemp: \(errnoText())"), files: [])
        }
        defer { removeTree(tmp) }

        // stdin: /dev/null, or a file written outside the directory the script can see.
        var stdinFD: Int32
        if let stdin {
            let stdinPath = tmp + ".stdin"
            guard FileManager.default.createFile(atPath: stdinPath, contents: Data(stdin.utf8)) else {
                return ShellResult(stdout: "", stderr: "", termination: .spawnFailed("cannot write stdin file"), files: [])
            }
            stdinFD = open(stdinPath, O_RDONLY | O_CLOEXEC)
            unlink(stdinPath)
        } else {
            stdinFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }
        guard stdinFD >= 0 else {
            return ShellResult(stdout: "", stderr: "", termination: .spawnFailed("open stdin: \(errnoText())"), files: [])
        }
        defer { close(stdinFD) }

        let environment = ["PATH=\(fixedPath)", "HOME=\(tmp)/home", "LC_ALL=C"]
        let argv = [shell.executable] + shell.leadingArguments + ["-c", script, arg0] + args
        var (out, err) = (Captured(), Captured())
        let termination = spawnAndCollect(
            executable: shell.executable, argv: argv, environment: environment, cwd: tmp,
            stdinFD: stdinFD, timeout: timeout, stdout: &out, stderr: &err)

        func normalize(_ bytes: [UInt8]) -> String {
            String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: tmp, with: "$TMP")
        }
        let files = snapshot(tmp).map { $0.replacingOccurrences(of: tmp, with: "$TMP") }
        return ShellResult(stdout: normalize(out.bytes), stderr: normalize(err.bytes), termination: termination, files: files)
    }

    // MARK: - Spawning

    struct Captured {
        var bytes: [UInt8] = []
        var open = true
    }

    private static func spawnAndCollect(
        executable: String, argv: [String], environment: [String], cwd: String, stdinFD: Int32,
        timeout: Double, stdout: inout Captured, stderr: inout Captured
    ) -> ShellResult.Termination {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard let glibc = GNUExtensions.shared else {
            return .spawnFailed("glibc >= 2.34 GNU extensions (pipe2, posix_spawn_file_actions_addchdir_np/addclosefrom_np) not found")
        }
        guard glibc.pipe2(&outPipe, O_CLOEXEC) == 0 else { return .spawnFailed("pipe2: \(errnoText())") }
        guard glibc.pipe2(&errPipe, O_CLOEXEC) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            return .spawnFailed("pipe2: \(errnoText())")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinFD, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        _ = glibc.addclosefrom(&actions, 3)
        _ = cwd.withCString { glibc.addchdir(&actions, $0) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP) | resetSignals(in: &attributes))

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawnError = posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnv)
        close(outPipe[1])
        close(errPipe[1])
        guard spawnError == 0 else {
            close(outPipe[0]); close(errPipe[0])
            return .spawnFailed("\(executable): \(String(cString: strerror(spawnError)))")
        }

        let deadline = monotonicNow() + timeout
        var exitStatus: Int32? = nil  // raw wait status once reaped
        var buffer = [UInt8](repeating: 0, count: 65536)

        func reap(blocking: Bool) {
            guard exitStatus == nil else { return }
            var status: Int32 = 0
            let r = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if r == pid {
                exitStatus = status
                // Anything the shell left running in its group (unwaited background jobs) goes too.
                kill(-pid, SIGKILL)
            }
        }

        var timedOut = false
        while stdout.open || stderr.open {
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { timedOut = true; break }
            var fds: [pollfd] = []
            if stdout.open { fds.append(pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)) }
            if stderr.open { fds.append(pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)) }
            // Slices so that a shell which exits while a leftover job holds the pipes is noticed.
            let sliceMs = Int32(max(1, min(remaining, 0.05) * 1000))
            let ready = poll(&fds, nfds_t(fds.count), sliceMs)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { reap(blocking: false); continue }
            for entry in fds where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if entry.fd == outPipe[0] { stdout.bytes += buffer[0..<n] } else { stderr.bytes += buffer[0..<n] }
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    if entry.fd == outPipe[0] { stdout.open = false } else { stderr.open = false }
                }
            }
        }
        close(outPipe[0])
        close(errPipe[0])

        // Pipes are closed; the shell normally has exited too. Wait for it, still bounded.
        while !timedOut && exitStatus == nil {
            reap(blocking: false)
            if exitStatus != nil { break }
            if monotonicNow() >= deadline { timedOut = true; break }
            usleep(2000)
        }
        if timedOut {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            reap(blocking: true)
            return .timedOut(timeout)
        }
        let status = exitStatus!
        if status & 0x7f == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(status & 0x7f)
    }

    // MARK: - Temporary directories

    private static func makeTemporaryDirectory(prefix: String) -> String? {
        var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { return nil }
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Use the resolved path so `pwd` output normalizes even if /tmp is a symlink.
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Sorted description of everything below `root` (not following symlinks).
    static func snapshot(_ root: String) -> [String] {
        var entries: [String] = []
        func walk(_ relative: String) {
            let full = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: full) else {
                if !relative.isEmpty { entries.append("d \(relative)/ <unreadable>") }
                return
            }
            for name in names.sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                let path = root + "/" + rel
                var info = stat()
                guard lstat(path, &info) == 0 else { entries.append("? \(rel)"); continue }
                let mode = String(info.st_mode & 0o7777, radix: 8)
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    entries.append("d \(rel)/ (\(mode))")
                    walk(rel)
                case S_IFLNK:
                    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                    entries.append("l \(rel) -> \(target)")
                case S_IFREG:
                    let contents = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "<unreadable>"
                    entries.append("f \(rel) (\(mode)): \(debugQuote(contents))")
                case S_IFIFO:
                    entries.append("p \(rel) (\(mode))")
                default:
                    entries.append("? \(rel) (\(mode))")
                }
            }
        }
        walk("")
        return entries
    }

    /// Removes a tree even if the script left unreadable or unwritable directories in it.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            chmod(path, 0o700)
            if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for name in names { removeTree(path + "/" + name) }
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// glibc functions that Swift's Glibc module does not import (they need _GNU_SOURCE), looked up
/// with dlsym: pipe2 (O_CLOEXEC pipes, no window for other threads' spawns to inherit them),
/// addchdir_np (a per-child cwd; chdir would race between concurrently running cases) and
/// addclosefrom_np (children get only fds 0-2 whatever else the test host has open).
struct GNUExtensions: @unchecked Sendable {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    let pipe2: Pipe2
    let addchdir: AddChdir
    let addclosefrom: AddClosefrom

    static let shared: GNUExtensions? = {
        guard let handle = dlopen(nil, RTLD_NOW),
              let p = dlsym(handle, "pipe2"),
              let c = dlsym(handle, "posix_spawn_file_actions_addchdir_np"),
              let f = dlsym(handle, "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return GNUExtensions(
            pipe2: unsafeBitCast(p, to: Pipe2.self),
            addchdir: unsafeBitCast(c, to: AddChdir.self),
            addclosefrom: unsafeBitCast(f, to: AddClosefrom.self))
    }()
}

/// A string shown with escapes for invisible characters, so that mismatches are readable.
func debugQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += "\\x" + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// Asks for a child with an empty signal mask and every signal at its default (whatever the test
/// host has); returns the flags that make posix_spawn apply it.
func resetSignals(in attributes: inout posix_spawnattr_t) -> Int16 {
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    return Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
}
