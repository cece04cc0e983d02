@testable import ChildProcess
import Glibc
import TestSupport
import Testing

/// Shared plumbing of the IPC tests: the fixture executable (whose `ipc-…` roles are the Swift
/// children), Node scripts, and a deadline so that a protocol bug fails a test instead of hanging it.
enum IPCTest {
    /// `ChildProcessFixture`, built next to the test bundle.
    static let fixturePath: String = {
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        let executable = String(decoding: path[..<max(length, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory + "/ChildProcessFixture"
    }()

    static let hasNode: Bool = {
        if case .success = ExecutableLookup.resolve("node", searchPath: Environment.value(of: "PATH"), cwd: nil) { true } else { false }
    }()

    /// A file of `examples/ipc/`.
    static func example(_ name: String) -> String {
        let components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        return components.dropLast(4).joined(separator: "/") + "/examples/ipc/" + name
    }

    /// Forks a fixture role; stdin (unless given) and stdout are ignored, stderr shared (for crash reports).
    static func fork(_ role: String, _ arguments: [String] = [], stdin: StdioOption = .ignore) throws -> ChildProcess {
        try ChildProcess.fork(role, arguments, options: ForkOptions(execPath: fixturePath, stdio: [stdin, .ignore, .inherit, .ipc]))
    }

    /// Forks `node` running `script` (JavaScript source) in a temporary file.
    static func forkNode(_ script: String, _ arguments: [String] = [], stdin: StdioOption = .ignore) throws -> ChildProcess {
        try ChildProcess.fork(temporaryScript(script), arguments,
                              options: ForkOptions(execPath: "node", stdio: [stdin, .ignore, .inherit, .ipc]))
    }

    /// Runs `node` on `script` (JavaScript source) to completion and returns its stdout.
    static func runNode(_ script: String, _ arguments: [String] = []) async throws -> String {
        var options = ExecOptions(timeout: .seconds(hangGuardSeconds))
        options.encoding = .utf8
        return try await ChildProcess.execFile("node", [temporaryScript(script)] + arguments, options: options).stdout
    }

    static func temporaryScript(_ source: String) -> String {
        var template = Array("/tmp/cpl-ipc-test-XXXXXX.js".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
        precondition(fd >= 0, "mkstemps failed")
        let bytes = Array(source.utf8)
        precondition(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// True when `error` is `IPCError.channelClosed`.
    static func isChannelClosed(_ error: any Error) -> Bool {
        if case .channelClosed? = error as? IPCError { true } else { false }
    }

    /// Every message until the channel ends.
    static func collect(_ messages: IPCChannel.Messages) async throws -> [JSONValue] {
        var values: [JSONValue] = []
        for try await message in messages { values.append(message.value) }
        return values
    }
}

