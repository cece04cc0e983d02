import Glibc

// What the test targets share (a test target cannot import another's): temporary files, process
// state from /proc, waiting for an outside effect, a thread for blocking work, a seeded generator.

/// How long a wait may go on before a test calls it a hang. Generous: on a loaded machine the
/// interpreter's tasks can wait a minute or more for a thread of the concurrency pool, which the
/// test's other work shares.
public let hangGuardSeconds: Double = 300

/// Monotonic seconds.
public func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A fresh temporary directory (removed by `removeTree`).
public func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/cpl-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: path!)
}

/// Close-on-exec: a child that another test starts meanwhile must not keep the file open for
/// writing (running it would then fail with ETXTBSY).
public func createFile(_ path: String, _ contents: String = "", mode: mode_t = 0o644) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    _ = contents.withCString { write(fd, $0, strlen($0)) }
    close(fd)
    chmod(path, mode)
}

public func readFileText(_ path: String) -> String? {
    readFileBytes(path).map { String(decoding: $0, as: UTF8.self) }
}

public func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

public func removeTree(_ path: String) {
    var status: Int32 = 0
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("rm"), strdup("-rf"), strdup(path), nil]
    posix_spawnp(&pid, "rm", nil, nil, argv, environ)
    waitpid(pid, &status, 0)
    argv.forEach { free($0) }
}

/// Whether a process exists (and is not a zombie).
public func processIsAlive(_ pid: Int32) -> Bool {
    guard let stat = readFileText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// Field `index` (1-based, as in proc(5)) of /proc/pid/stat.
public func procStatField(_ pid: Int32, _ index: Int) -> String? {
    guard let stat = readFileText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    return index - 3 < fields.count ? String(fields[index - 3]) : nil
}

/// Waits up to `seconds` (a hang guard) for `condition`.
public func eventually(_ seconds: Double = hangGuardSeconds, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = now() + seconds
    while now() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

extension String {
    public var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\n" || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\n" || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// A small deterministic generator (splitmix64): the same samples on every run.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs blocking `work` (a spawnSync, a wait) on a thread of its own, off Swift's cooperative
/// pool, and resumes with its result. `stackSize` (bytes), when given, replaces the default stack size.
public func onThread<T: Sendable>(stackSize: Int? = nil, _ work: @escaping @Sendable () -> T) async -> T {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<T, Never>) in
        let job = Unmanaged.passRetained(ThreadJob { continuation.resume(returning: work()) }).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { context in
            Unmanaged<ThreadJob>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, job)
        precondition(created == 0, "pthread_create failed: \(created)")
        pthread_detach(thread)
    }
}

private final class ThreadJob {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
