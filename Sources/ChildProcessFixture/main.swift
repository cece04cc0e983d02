// A program that uses ChildProcess as a real parent would, for tests that need a parent process
// of their own: one that exits before its detached child, or whose fd table and children are
// inspected without other tests running in the same process.
import ChildProcess
import Glibc
import Synchronization

/// Open descriptors of this process, not counting the concurrency runtime's own event fds
/// (libdispatch creates eventfd/timerfd/epoll descriptors lazily, as its worker threads come and go).
func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    let runtimeOwned = ["anon_inode:[eventfd]", "anon_inode:[timerfd]", "anon_inode:[eventpoll]"]
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        guard name != ".", name != "..", Int32(name) != dirfd(directory) else { continue }
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink("/proc/self/fd/\(name)", &target, 255)
        let link = String(decoding: target[..<max(length, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if !runtimeOwned.contains(link) { count += 1 }
    }
    return count
}

/// A process's state letter and parent from /proc/PID/stat; nil when there is no such process.
func stateAndParent(of pid: Int32) -> (state: Substring, parent: Int32?)? {
    guard let file = fopen("/proc/\(pid)/stat", "r") else { return nil }
    var line = [CChar](repeating: 0, count: 512)
    fgets(&line, 512, file)
    fclose(file)
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Fields after the parenthesised command: state, ppid.
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? (fields[0], Int32(fields[1])) : nil
}

/// Whether `pid` names a process that runs (a zombie does not).
func isRunning(_ pid: Int32) -> Bool {
    guard let state = stateAndParent(of: pid)?.state else { return false }
    return state != "Z" && state != "X"
}

/// Children of this process that are zombies (state Z in /proc/PID/stat).
func zombieChildren() -> [Int32] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    var zombies: [Int32] = []
    let me = getpid()
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        guard let pid = Int32(name), let process = stateAndParent(of: pid) else { continue }
        if process.state == "Z", process.parent == me { zombies.append(pid) }
    }
    return zombies
}

/// A weak reference, to see when an object has been deallocated.
struct WeakReference {
    weak var object: AnyObject?
}

/// Waits (at most 60 s, then a leak shows in the counts) until every object is deallocated: a
/// child's descriptors close with its objects, which the reactor thread may let go of a moment
/// after waking us. `pause` is the wait between looks.
func waitUntilDeallocated(_ references: [WeakReference],
                          pause: () async -> Void = { try? await Task.sleep(for: .milliseconds(1)) }) async {
    let deadline = ContinuousClock.now + .seconds(60)
    while references.contains(where: { $0.object != nil }), ContinuousClock.now < deadline {
        await pause()
    }
}

/// Runs `round` `count` times after a warm-up of 20 rounds (which starts the reactor and the
/// runtime's own descriptors) and reports the fd counts before and after, and the zombies left.
/// A round returns the objects that must be deallocated before counting.
func hygieneReport(rounds count: Int, _ round: (Int) async throws -> [WeakReference]) async throws -> String {
    var objects: [WeakReference] = []
    for index in 0..<20 { objects += try await round(index) }
    await waitUntilDeallocated(objects)
    let before = openDescriptorCount()
    objects = []
    for index in 0..<count { objects += try await round(index) }
    await waitUntilDeallocated(objects)
    return "fds \(before) \(openDescriptorCount()) zombies \(zombieChildren().count)"
}

/// The channel of a role that must be forked.
func requireParentChannel() throws(IPCError) -> IPCChannel {
    guard let channel = ParentChannel.current else { throw .channelClosed }
    return channel
}

func sendIsRefused(on channel: IPCChannel) async -> Bool {
    do throws(IPCError) {
        try await channel.send("too late")
        return false
    } catch {
        if case .channelClosed = error { return true }
        return false
    }
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "detach":
    // detach LOG: start a detached child that outlives us and logs to LOG, print its pid, exit.
    let log = StdioOption.file(arguments[2], .appending)
    var options = SpawnOptions(stdio: [.ignore, log, log], detached: true)
    options.environment = ["PATH": "/usr/bin:/bin"]
    // The child waits for the test to create LOG.release, so "outlives" is checked, not raced (at
    // most 1,000 s or so, longer than the test's hang guard, in case the test never gets there).
    let script = "i=0; while [ ! -e \"$0.release\" ] && [ $i -lt 10000 ]; do sleep 0.1; i=$((i+1)); done; echo \"alive after parent\""
    let child = try ChildProcess.spawn("sh", ["-c", script, arguments[2]], options: options)
    child.unref()
    print(child.pid)
case "hygiene":
    // hygiene N: spawn N children with pipes, read them, and report fds and zombies before/after.
    let count = Int(arguments[2]) ?? 1000
    // A warm-up round of the same work starts the reactor and the concurrency runtime, which keep
    // fds of their own (epoll, eventfd, timerfd); only what is left after that counts.
    func round(_ index: Int) async throws -> [WeakReference] {
        if index % 10 == 0 {
            _ = try ChildProcess.spawnSync("true")
            return []
        }
        let child = try ChildProcess.spawn("echo", ["\(index)"])
        _ = try await child.stdout!.text()
        try await child.waitForClose()
        return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
    }
    print(try await hygieneReport(rounds: count) { try await round($0) })
case "terminal-hygiene":
    // terminal-hygiene N: N children on a pseudo-terminal, read to its end.
    print(try await hygieneReport(rounds: Int(arguments[2]) ?? 1000) { index in
        let child = try ChildProcess.spawn("echo", ["\(index)"], options: SpawnOptions(stdio: .all(.terminal)))
        _ = try await child.terminal!.bytes()
        try await child.waitForExit()
        return [WeakReference(object: child), WeakReference(object: child.terminal)]
    })
case "file-hygiene":
    // file-hygiene PATH N: N children writing to PATH by name, truncating and appending in turn.
    print(try await hygieneReport(rounds: Int(arguments[3]) ?? 1000) { index in
        let file = StdioOption.file(arguments[2], index % 2 == 0 ? .truncating : .appending)
        let child = try ChildProcess.spawn("echo", ["\(index)"], options: SpawnOptions(stdio: [.ignore, file, file]))
        try await child.waitForExit()
        return [WeakReference(object: child)]
    })
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
case "signal-report-blocked":
    // signal-report-blocked: every thread blocks SIGUSR1 (this one blocks it before any other
    // starts), so a SIGUSR1 sent to the process stays pending; ProcessSignals.reportArrivals()
    // must still report it. Prints `reported N`, N the observer's calls.
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGUSR1)
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
    let reported = Atomic(0)
    let observation = try ProcessSignals.observe(.user1) { _ in reported.add(1, ordering: .relaxed) }
    kill(getpid(), SIGUSR1)
    ProcessSignals.reportArrivals()
    print("reported \(reported.load(ordering: .relaxed))")
    observation.cancel()
case "ipc-echo":
    // ipc-echo: send every message back (with a note of any handle) until the parent disconnects.
    let parent = try requireParentChannel()
    for try await message in parent.messages {
        if let handle = message.handle {
            try await parent.send(["echo": message.value, "handle": .string(handle.server != nil ? "server" : "connection")])
        } else {
            try await parent.send(message.value)
        }
    }
case "ipc-uppercase":
    // ipc-uppercase: the seed's worker, `process.on('message', m => process.send(m.toUpperCase()))`.
    let parent = try requireParentChannel()
    for try await message in parent.messages {
        try await parent.send(.string(message.value.stringValue?.uppercased() ?? ""))
    }
case "ipc-serve-handle":
    // ipc-serve-handle: answer every connection on a received server, or a received connection,
    // with "handled by swift child: <message>"; report each handle to the parent.
    let parent = try requireParentChannel()
    for try await message in parent.messages {
        let answer = "handled by swift child: \(message.value.stringValue ?? message.value.description)"
        switch message.handle {
        case .server(let server)?:
            Task {
                while let connection = try? await server.accept() {
                    try? await connection.write(answer)
                    connection.close()
                }
            }
            try await parent.send(["listening": message.value])
        case .connection(let connection)?:
            try await connection.write(answer)
            connection.close()
            try await parent.send(["handled": message.value])
        case nil:
            try await parent.send(["noHandle": message.value])
        }
    }
case "ipc-disconnect":
    // ipc-disconnect: say "bye" and disconnect from the child side; exit 0 only if the own message
    // sequence then ends and a later send throws channelClosed. Stays alive until stdin ends, so
    // that the parent sees the disconnect while this process still runs.
    let parent = try requireParentChannel()
    try await parent.send("bye")
    parent.disconnect()
    for try await _ in parent.messages {}
    guard await sendIsRefused(on: parent) else { exit(1) }
    while readLine() != nil {}
case "ipc-flood":
    // ipc-flood: send 64 KiB messages until killed, so that the parent can kill it mid-message.
    let parent = try requireParentChannel()
    let chunk = JSONValue.string(String(repeating: "x", count: 65536))
    while true { try await parent.send(chunk) }
case "ipc-environment":
    // ipc-environment: report what a forked child sees of its channel, before and after opening it.
    let announced = Environment.value(of: "NODE_CHANNEL_FD") ?? ""
    let mode = Environment.value(of: "NODE_CHANNEL_SERIALIZATION_MODE") ?? ""
    let parent = try requireParentChannel()
    let flags = fcntl(Int32(announced) ?? -1, F_GETFD)
    try await parent.send([
        "NODE_CHANNEL_FD": .string(announced),
        "NODE_CHANNEL_SERIALIZATION_MODE": .string(mode),
        "removedFromEnvironment": .bool(Environment.current["NODE_CHANNEL_FD"] == nil
            && Environment.current["NODE_CHANNEL_SERIALIZATION_MODE"] == nil),
        "closeOnExec": .bool(flags >= 0 && flags & FD_CLOEXEC != 0),
        "arguments": .array(arguments.dropFirst().map { .string($0) }),
    ])
case "ipc-hygiene":
    // ipc-hygiene N: fork ourselves N times (ipc-echo), exchange messages and a server handle,
    // disconnect, wait for close; report the fd count before and after.
    let count = Int(arguments[2]) ?? 20
    func exchange() async throws -> [WeakReference] {
        let child = try ChildProcess.fork("ipc-echo", options: ForkOptions(stdio: [.ignore, .ignore, .inherit, .ipc]))
        var messages = child.messages.makeAsyncIterator()
        for index in 0..<10 {
            try await child.send(["index": .number(Double(index))])
            _ = try await messages.next()
        }
        let server = try TCPServer.listen()
        try await child.send("server", handle: .server(server))
        _ = try await messages.next()
        server.close()
        child.disconnect()
        try await child.waitForClose()
        return [WeakReference(object: child), WeakReference(object: child.channel), WeakReference(object: server)]
    }
    // The first exchange starts the reactor and the runtime's own descriptors.
    var objects = try await exchange()
    await waitUntilDeallocated(objects)
    let before = openDescriptorCount()
    objects = []
    for _ in 0..<count { objects += try await exchange() }
    await waitUntilDeallocated(objects)
    print("fds \(before) \(openDescriptorCount()) zombies \(zombieChildren().count)")
case "ipc-bench":
    // ipc-bench swift|node N [ROUNDTRIP_JS]: N sequential round trips with an echoing child.
    let count = Int(arguments[3]) ?? 10000
    let child = arguments[2] == "node"
        ? try ChildProcess.fork(arguments[4], options: ForkOptions(execPath: "node"))
        : try ChildProcess.fork("ipc-echo")
    var messages = child.messages.makeAsyncIterator()
    let clock = ContinuousClock()
    let start = clock.now
    for index in 0..<count {
        try await child.send(["n": .number(Double(index))])
        guard try await messages.next()?.value["n"]?.intValue == index else { exit(1) }
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("swift parent -> \(arguments[2]) child: \(count) round trips in \(elapsed), \(Int(Double(count) / seconds))/s")
    child.disconnect()
    try await child.waitForClose()
case "replace-bytes":
    // replace-bytes: become `sh -c SCRIPT` with an argument and an environment variable that are
    // not UTF-8, through replaceProcess's byte form (the test gives the script that reports them).
    var options = SpawnOptions(stdio: .all(.inherit))
    options.environmentBytes = [[0xFF, 0x4E]: [0xC3, 0x28]]
    try ChildProcess.replaceProcess(with: FilePath("/bin/sh"), [Array("-c".utf8), arguments[2].losslessBytes, [0xFE, 0x61]],
                                    options: options)
case "unref":
    // unref: one unref'd long child and one referenced short one; once the wait returns, print
    // how each of them stands (the referenced one must have exited, the other still run).
    let quiet = SpawnOptions(stdio: .all(.ignore))
    let long = try ChildProcess.spawn("sleep", ["1000"], options: quiet)
    long.unref()
    let short = try ChildProcess.spawn("sleep", ["0.2"], options: quiet)
    await ChildProcess.waitForReferencedChildren()
    for (name, child) in [("referenced", short), ("unref'd", long)] {
        print("\(name): \(child.exitStatus.map(String.init(describing:)) ?? "running")")
    }
    long.kill(.kill)
case "dies-with-parent":
    // dies-with-parent: start `sleep 1000` that gets SIGKILL when we die, print its pid, and
    // wait until stdin ends (the test kills us with SIGKILL first).
    var options = SpawnOptions(stdio: .all(.ignore))
    options.parentDeathSignal = .kill
    let child = try ChildProcess.spawn("sleep", ["1000"], options: options)
    // Unbuffered: the test reads it while we are still alive.
    try FileDescriptor.standardOutput.writeAll(Array("\(child.pid)\n".utf8))
    while readLine() != nil {}
case "tree-hygiene":
    // tree-hygiene N: N times, start a shell with a background grandchild that holds its stdout,
    // kill the tree, wait for close (which only comes once the grandchild is gone too); report
    // fds and zombies before/after.
    let count = Int(arguments[2]) ?? 1000
    func round(_: Int) async throws -> [WeakReference] {
        let child = try ChildProcess.spawn("sh", ["-c", "sleep 1000 & echo $!; wait"], options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        _ = try await lines.next()
        child.kill(.kill, target: .processTree)
        try await child.waitForClose()
        return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
    }
    print(try await hygieneReport(rounds: count) { try await round($0) })
case "survivor-hygiene":
    // survivor-hygiene N: N times, a shell that dies of SIGTERM with a background grandchild that
    // ignores it and holds stdout; a tree teardown's SIGKILL must reach the orphan for close to
    // come. Reports fds and zombies before/after.
    let count = Int(arguments[2]) ?? 1000
    func round(_: Int) async throws -> [WeakReference] {
        let script = #"( trap "" TERM; echo ready; exec sleep 1000 ) & wait"#
        let child = try ChildProcess.spawn("sh", ["-c", script], options: SpawnOptions(stdio: [.ignore, .pipe, .ignore]))
        var lines = child.stdout!.lines.makeAsyncIterator()
        _ = try await lines.next()
        await child.tearDown(using: .terminate(gracePeriod: .milliseconds(1), target: .processTree))
        try await child.waitForClose()
        return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
    }
    print(try await hygieneReport(rounds: count) { try await round($0) })
case "starve-descriptors":
    await starveDescriptors(maximumFree: Int(arguments[2]) ?? 10)
case "starve-tree-walk":
    try starveTreeWalk()
case "starve-processes":
    await starveProcesses()
case "starve-reactor":
    await starveReactor()
case "starve-forking-thread":
    await starveForkingThread()
case "starve-signals":
    await starveSignals()
case "foreign-children":
    await foreignChildren(count: Int(arguments[2]) ?? 10000, libraryCount: Int(arguments[3]) ?? 1000)
case "ipc-large":
    try await receiveLargeMessage(mebibytes: Int(arguments[2]) ?? 64)
case "soak":
    try await soak(spawns: Int(arguments[2]) ?? 100_000, pipelines: Int(arguments[3]) ?? 10_000, roundTrips: Int(arguments[4]) ?? 1000)
default:
    print("""
        usage: ChildProcessFixture detach LOG | hygiene N | terminal-hygiene N | file-hygiene PATH N | signals
          | replace-bytes SCRIPT | ipc-ROLE … | ipc-hygiene N | unref | dies-with-parent | tree-hygiene N | survivor-hygiene N
          | starve-descriptors MAXFREE | starve-tree-walk | starve-processes | starve-reactor
          | starve-forking-thread | starve-signals | foreign-children N M | ipc-large MIB
          | soak SPAWNS PIPELINES ROUNDTRIPS
        """)
    exit(2)
}
