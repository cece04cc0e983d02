// A program that uses ChildProcess as a real parent would, for tests that need a parent process
// of their own: one that exits before its detached child, or whose fd table and children are
// inspected without other tests running in the same process.
import ChildProcess
import Glibc

func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if name != "." && name != ".." { count += 1 }
    }
    return count - 1  // the directory stream itself
}

/// Children of this process that are zombies (state Z in /proc/PID/stat).
func zombieChildren() -> [Int32] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    var zombies: [Int32] = []
    let me = getpid()
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        guard let pid = Int32(name), let file = fopen("/proc/\(pid)/stat", "r") else { continue }
        var line = [CChar](repeating: 0, count: 512)
        fgets(&line, 512, file)
        fclose(file)
        let text = String(cString: line)
        // Fields after the parenthesised command: state, ppid.
        guard let close = text.lastIndex(of: ")") else { continue }
        let fields = text[text.index(after: close)...].split(separator: " ")
        if fields.count > 1, fields[0] == "Z", Int32(fields[1]) == me { zombies.append(pid) }
    }
    return zombies
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "detach":
    // detach LOG: start a detached child that outlives us and logs to LOG, print its pid, exit.
    let log = try FileDescriptor.open(arguments[2], O_WRONLY | O_CREAT | O_APPEND)
    var options = SpawnOptions(stdio: [.ignore, .fd(log), .fd(log)], detached: true)
    options.environment = ["PATH": "/usr/bin:/bin"]
    let child = try ChildProcess.spawn("sh", ["-c", "sleep 0.5; echo \"alive after parent $PPID\""], options: options)
    child.unref()
    log.close()
    print(child.pid)
case "hygiene":
    // hygiene N: spawn N children with pipes, read them, and report fds and zombies before/after.
    let count = Int(arguments[2]) ?? 1000
    // The first spawn starts the reactor and the concurrency runtime, which keep their own fds.
    try await ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore))).waitForExit()
    let before = openDescriptorCount()
    for index in 0..<count {
        if index % 10 == 0 {
            _ = try ChildProcess.spawnSync("true")
        } else {
            let child = try ChildProcess.spawn("echo", ["\(index)"])
            _ = try await child.stdout!.text()
            try await child.waitForClose()
        }
    }
    print("fds \(before) \(openDescriptorCount()) zombies \(zombieChildren().count)")
case "signals":
    // signals: block and ignore signals in the parent, then show what the child inherited.
    var blocked = sigset_t()
    sigfillset(&blocked)
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
    signal(SIGINT, SIG_IGN)
    signal(SIGPIPE, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let result = try ChildProcess.spawnSync("grep", ["-E", "^Sig(Blk|Ign)", "/proc/self/status"])
    print(result.stdout, terminator: "")
default:
    print("usage: ChildProcessFixture detach LOG | hygiene N | signals")
    exit(2)
}
