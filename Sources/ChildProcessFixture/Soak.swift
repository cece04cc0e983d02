// A long run of ordinary work in one process (scripts/soak drives it): spawns, child-to-child
// pipelines and Node fork/IPC round trips, with the resident memory, the descriptor count and the
// zombies measured after a warm-up and at the end.
import ChildProcess
import Glibc

/// Resident set size of this process, in bytes (/proc/self/statm's second field, in pages).
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = read(fd, &buffer, buffer.count)
    let fields = buffer[..<max(count, 0)].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return -1 }
    return pages * sysconf(Int32(_SC_PAGESIZE))
}

/// One spawn, in one of the library's ways by `index`, checked for its output or status.
func soakSpawn(_ index: Int) async throws -> [WeakReference] {
    switch index % 10 {
    case 0:
        try expect(try ChildProcess.spawnSync("echo", ["\(index)"]).stdout, "\(index)\n")
        return []
    case 1:
        try expect(try await ChildProcess.execFile("echo", ["\(index)"]).stdout, "\(index)\n")
        return []
    case 2, 3, 4:
        let child = try ChildProcess.spawn("true", options: SpawnOptions(stdio: .all(.ignore)))
        try expect(try await child.waitForExit(), .exited(0))
        return [WeakReference(object: child)]
    default:
        let child = try ChildProcess.spawn("echo", ["\(index)"])
        try expect(try await child.stdout?.text(), "\(index)\n")
        try await child.waitForClose()
        return [WeakReference(object: child)] + child.stdio.compactMap { WeakReference(object: $0) }
    }
}

/// `echo INDEX | tr 0-9 a-j | cat` through pipes between the children, read at the end.
func soakPipeline(_ index: Int) async throws -> [WeakReference] {
    let first = try FileDescriptor.pipe()
    let second = try FileDescriptor.pipe()
    let stages = [
        try ChildProcess.spawn("echo", ["\(index)"],
                               options: SpawnOptions(stdio: [.ignore, .fd(first.writeEnd, closeAfterSpawn: true), .inherit])),
        try ChildProcess.spawn("tr", ["0-9", "a-j"],
                               options: SpawnOptions(stdio: [.fd(first.readEnd, closeAfterSpawn: true),
                                                             .fd(second.writeEnd, closeAfterSpawn: true), .inherit])),
        try ChildProcess.spawn("cat", options: SpawnOptions(stdio: [.fd(second.readEnd, closeAfterSpawn: true), .pipe, .inherit])),
    ]
    let letters = String("\(index)".map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8(String($0))!)) })
    try expect(try await stages[2].stdout?.text(), letters + "\n")
    for stage in stages { try expect(try await stage.waitForClose(), .exited(0)) }
    return stages.map { WeakReference(object: $0) } + stages[2].stdio.compactMap { WeakReference(object: $0) }
}

/// A Node child forked, one message there and back, then disconnected.
func soakRoundTrip(_ index: Int, script: String) async throws -> [WeakReference] {
    let child = try ChildProcess.fork(script, options: ForkOptions(execPath: "node", stdio: [.ignore, .ignore, .inherit, .ipc]))
    var messages = child.messages.makeAsyncIterator()
    try await child.send(["n": .number(Double(index))])
    try expect(try await messages.next()?.value["n"]?.intValue, index)
    child.disconnect()
    try expect(try await child.waitForClose(), .exited(0))
    return [WeakReference(object: child), WeakReference(object: child.channel)]
}

/// Runs `round` for 0..<count, `width` at a time, each waiting until what it returned is
/// deallocated; throws the first failure.
func runConcurrently(_ count: Int, width: Int, _ round: @escaping @Sendable (Int) async throws -> [WeakReference]) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func startNext() {
            let index = next
            group.addTask { await waitUntilDeallocated(try await round(index)) }
            next += 1
        }
        while next < min(width, count) { startNext() }
        while try await group.next() != nil {
            if next < count { startNext() }
        }
    }
}

/// A Node script that echoes every message (`fork`'s child side).
func writeEchoScript() -> String {
    var template = Array("/tmp/cpl-soak-XXXXXX.js".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
    precondition(fd >= 0, "mkstemps failed")
    let source = Array("process.on('message', (m) => process.send(m));\n".utf8)
    precondition(source.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == source.count)
    close(fd)
    return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// soak SPAWNS PIPELINES ROUNDTRIPS: a tenth of each as warm-up, then all of them (four at a
/// time), printing the resident memory and descriptors after the warm-up and after each kind, and
/// at the end `result RSS_BEFORE_KIB RSS_AFTER_KIB FDS_BEFORE FDS_AFTER ZOMBIES SECONDS`.
func soak(spawns: Int, pipelines: Int, roundTrips: Int) async throws {
    let script = writeEchoScript()
    defer { unlink(script) }
    let clock = ContinuousClock()
    let start = clock.now
    func report(_ stage: String) {
        let elapsed = clock.now - start
        print("\(stage): rss \(residentBytes() / 1024) KiB, fds \(openDescriptorCount()), zombies \(zombieChildren().count), \(elapsed)")
        // The figures are read as they come, through a pipe.
        fflush(nil)
    }
    func runAll(_ fraction: Int) async throws {
        try await runConcurrently(spawns / fraction, width: 4) { try await soakSpawn($0) }
        if fraction == 1 { report("\(spawns) spawns") }
        try await runConcurrently(pipelines / fraction, width: 4) { try await soakPipeline($0) }
        if fraction == 1 { report("\(pipelines) pipelines") }
        try await runConcurrently(roundTrips / fraction, width: 4) { try await soakRoundTrip($0, script: script) }
        if fraction == 1 { report("\(roundTrips) fork/IPC round trips") }
    }
    try await runAll(10)
    let rssBefore = residentBytes()
    let fdsBefore = openDescriptorCount()
    report("warm-up")
    try await runAll(1)
    let seconds = (clock.now - start).components.seconds
    print("result \(rssBefore / 1024) \(residentBytes() / 1024) \(fdsBefore) \(openDescriptorCount()) \(zombieChildren().count) \(seconds)")
}

/// A field of /proc/self/status in KiB (VmRSS, VmHWM).
func statusKiB(_ field: String) -> Int {
    let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return -1 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 8192)
    let count = read(fd, &buffer, buffer.count)
    let text = String(decoding: buffer[..<max(count, 0)], as: UTF8.self)
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return -1 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}

/// ipc-large MIB: a Python peer sends one message of MIB MiB; prints `rss BEFORE PEAK AFTER TRIMMED`
/// in KiB: before it came, the peak while it was received and decoded, once it is released, and
/// after malloc_trim.
func receiveLargeMessage(mebibytes: Int) async throws {
    let script = "import socket; socket.socket(fileno=3).sendall(b'\"' + b'x' * ((\(mebibytes) << 20) - 2) + b'\"\\n')"
    let before = statusKiB("VmRSS")
    let child = try ChildProcess.spawn("python3", ["-c", script], options: SpawnOptions(stdio: [.ignore, .ignore, .inherit, .ipc]))
    var messages = child.messages.makeAsyncIterator()
    var length = try await messages.next()?.value.stringValue?.utf8.count
    let peak = statusKiB("VmHWM")
    try expect(length, (mebibytes << 20) - 2)
    length = nil
    guard try await messages.next() == nil else { throw UnexpectedResult(description: "a second message") }
    try await child.waitForClose()
    await waitUntilDeallocated([WeakReference(object: child), WeakReference(object: child.channel)])
    let after = statusKiB("VmRSS")
    // What glibc keeps for reuse rather than what is still allocated: malloc_trim hands it back.
    typealias Trim = @convention(c) (Int) -> Int32
    if let trim = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") { _ = unsafeBitCast(trim, to: Trim.self)(0) }
    print("rss \(before) \(peak) \(after) \(statusKiB("VmRSS"))")
}
