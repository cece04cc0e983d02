@_exported import TestSupport
import ChildProcess
import Glibc
import Testing
@testable import CPL

struct CLIResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `cpl arguments…` in `directory` with `stdin`, a fixed environment,
/// and extra descriptors (`3: path` opened read-only). Kills it after `timeout` (a hang guard).
/// Strings cross the process boundary losslessly (arguments, environment,
/// stdin, and stdout/stderr back), so tests can pass and expect any bytes.
/// The waiting happens on a thread of its own, not on Swift's cooperative pool.
func runCPL(
    _ arguments: [String], stdin: String = "", in directory: String = "/tmp", environment: [String: String]? = nil,
    extraInput: (fd: Int32, path: String)? = nil, timeout: Double = hangGuardSeconds,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> CLIResult {
    let (result, problem) = await onThread {
        runCPLBlocking(arguments, stdin: stdin, in: directory, environment: environment, extraInput: extraInput, timeout: timeout)
    }
    if let problem { Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation) }
    return result
}

private func runCPLBlocking(
    _ arguments: [String], stdin: String, in directory: String, environment: [String: String]?,
    extraInput: (fd: Int32, path: String)?, timeout: Double
) -> (CLIResult, String?) {
    var problem: String?
    guard let cplBinary = BuiltCPL.path else {
        return (CLIResult(status: -1, stdout: "", stderr: ""), BuiltCPL.missingMessage)
    }
    guard let extensions = GNUExtensions.shared else {
        return (CLIResult(status: -1, stdout: "", stderr: ""), "glibc's posix_spawn_file_actions_addchdir_np/addclosefrom_np not found")
    }
    // Close-on-exec from the start (FileDescriptor.pipe): a child that another test starts
    // meanwhile must not hold cpl's pipes open, or the reading below would wait for that child.
    var pipes: [[Int32]] = []
    do {
        for _ in 0..<3 {
            let (readEnd, writeEnd) = try FileDescriptor.pipe()
            pipes.append([readEnd.rawValue, writeEnd.rawValue])
        }
    } catch {
        return (CLIResult(status: -1, stdout: "", stderr: ""), "pipe failed: \(error)")
    }
    let (input, output, errors) = (pipes[0], pipes[1], pipes[2])
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    // Only 0-2 and the extra input: nothing else the test process has open (the test library's
    // own descriptors, another test's not yet close-on-exec) reaches cpl.
    _ = extensions.addclosefrom(&actions, 3)
    _ = directory.withLosslessCString { extensions.addchdir(&actions, $0) }
    if let extraInput { posix_spawn_file_actions_addopen(&actions, extraInput.fd, extraInput.path, O_RDONLY, 0) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    let env = (environment ?? ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C"]).map { "\($0.key)=\($0.value)" }
    let argv = ([cplBinary] + arguments).map { $0.withLosslessCString(strdup) } + [nil]
    let envp = env.map { $0.withLosslessCString(strdup) } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let start = now()
    let spawned = posix_spawn(&pid, cplBinary, &actions, &attributes, argv, envp)
    posix_spawn_file_actions_destroy(&actions)
    posix_spawnattr_destroy(&attributes)
    close(input[0]); close(output[1]); close(errors[1])
    guard spawned == 0 else {
        return (CLIResult(status: -1, stdout: "", stderr: ""), "spawn failed: \(spawned)")
    }
    _ = stdin.losslessBytes.withUnsafeBytes { write(input[1], $0.baseAddress, $0.count) }
    close(input[1])
    var out: [UInt8] = [], err: [UInt8] = []
    var open = [output[0], errors[0]]
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !open.isEmpty {
        let remaining = timeout - (now() - start)
        if remaining <= 0 {
            kill(-pid, SIGKILL)
            problem = "cpl \(arguments) timed out"
            break
        }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if poll(&fds, nfds_t(fds.count), Int32(remaining * 1000)) <= 0 { continue }
        for entry in fds where entry.revents != 0 {
            let count = read(entry.fd, &buffer, buffer.count)
            if count <= 0 {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
            } else if entry.fd == output[0] {
                out += buffer[0..<count]
            } else {
                err += buffer[0..<count]
            }
        }
    }
    open.forEach { close($0) }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let result = CLIResult(
        status: code, stdout: String(losslessBytes: out), stderr: String(losslessBytes: err))
    return (result, problem)
}

/// `body` inside a script that lists cpl's own descriptors before and after it (into the files
/// `before` and `after` of its directory) and then prints how many of its children are zombies
/// (`grep -c`: the script's status is 1 when that is 0).
func hygieneScript(around body: String) -> String {
    """
    # Warm up every lazily created resource (reactor, thread pool) first.
    echo warm | cat >/dev/null; X=$(echo x); sleep 0 & wait
    # Listed by a child while cpl only waits for it, once two listings agree: what cpl releases
    # as it finishes with a command (a reaped child's pidfd) is gone by then; a leak stays.
    list='while :; do ls -l /proc/$1/fd > "$2.new"; cmp -s "$2.new" "$2" && break; mv "$2.new" "$2"; sleep 0.1; done; rm "$2.new"'
    sh -c "$list" sh $$ before & wait
    \(body)
    sh -c "$list" sh $$ after & wait
    ps -o stat= --ppid $$ | grep -c Z

    """
}

/// What the descriptors of an `ls -l /proc/PID/fd` listing are, sorted: "lrwx------ 1 u g 64 date
/// 3 -> pipe:[123]" gives "pipe:" (numbers vary from run to run, kinds must not).
func descriptorKinds(listedIn path: String) -> [String] {
    (readFileText(path) ?? "").split(separator: "\n").compactMap { line -> String? in
        guard let arrow = line.firstRange(of: " -> ") else { return nil }
        return String(line[arrow.upperBound...].prefix { $0 != "[" })
    }.sorted()
}
