import ChildProcess
import Glibc
import Testing

/// A fresh directory under /tmp, removed by the caller with `removeTree`.
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/cp-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

func removeTree(_ path: String) {
    _ = try? ChildProcess.execFileSync("rm", ["-rf", path])
}

func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
    let fd = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC, permissions: mode)
    defer { try? fd.close() }
    try fd.writeAll(Array(contents.utf8))
    fchmod(fd.rawValue, mode)
}

func readFile(_ path: String) throws -> String {
    let fd = try FileDescriptor.open(path, O_RDONLY)
    defer { try? fd.close() }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
        if count == 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The directory holding the test bundle and the package's other built products.
var buildDirectory: String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let path = String(decoding: buffer[..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
}

var fixturePath: String { buildDirectory + "/ChildProcessFixture" }

/// Why `execFile` could not start `file`: the `SpawnError` inside its `ExecError`. Records an issue
/// and returns nil when the program ran, or when the exec failed for another reason.
func spawnFailure(
    ofExecFile file: String, options: ExecOptions = ExecOptions(), sourceLocation: SourceLocation = #_sourceLocation
) async -> SpawnError? {
    do {
        let output = try await ChildProcess.execFile(file, options: options)
        Issue.record("\(file) started and printed \(output.stdout.debugDescription)", sourceLocation: sourceLocation)
    } catch {
        if case .spawnFailed(let failure) = error.reason { return failure }
        Issue.record("\(file) started, then: \(error.reason)", sourceLocation: sourceLocation)
    }
    return nil
}

/// How long a wait may go on before a test calls it a hang. Generous: on a loaded machine a task
/// can wait a minute or more for a thread of the concurrency pool, which all tests share (and so
/// can the library's own timers: `timeout` fires late, never early).
let hangGuardSeconds = 300

/// Fails the test instead of hanging it when `operation` takes longer than `seconds`.
func within<T: Sendable>(_ seconds: Int = hangGuardSeconds, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            Issue.record("timed out after \(seconds) s")
            throw Errno.timedOut
        }
        group.cancelAll()
        return value
    }
}

/// Polls until `condition` holds or `seconds` (a hang guard) pass.
func eventually(_ seconds: Double = Double(hangGuardSeconds), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
