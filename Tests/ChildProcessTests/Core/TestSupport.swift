import ChildProcess
import Glibc
import Synchronization
import TestSupport
import Testing

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

struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "timed out after \(seconds) s" }
}

/// Runs `operation`, failing with `TimedOut` if it takes longer than `seconds`. The operation
/// runs in a task of its own that is cancelled (and abandoned) on timeout, so even an operation
/// that ignores cancellation cannot hang the test.
func within<T: Sendable>(_ seconds: Double = hangGuardSeconds, _ operation: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let pending = Mutex<CheckedContinuation<T, any Error>?>(continuation)
        let take: @Sendable () -> CheckedContinuation<T, any Error>? = { pending.withLock { slot in defer { slot = nil }; return slot } }
        let timer = Mutex<Task<Void, Never>?>(nil)
        let work = Task {
            do {
                let result = try await operation()
                take()?.resume(returning: result)
            } catch {
                take()?.resume(throwing: error)
            }
            timer.withLock { $0?.cancel() }
        }
        timer.withLock { timer in
            timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                guard let continuation = take() else { return }
                work.cancel()
                continuation.resume(throwing: TimedOut(seconds: seconds))
            }
        }
    }
}

func processExists(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
