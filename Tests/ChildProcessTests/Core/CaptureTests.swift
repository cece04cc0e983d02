import ChildProcess
import Testing

/// exec/execFile/spawnSync read output straight into the array they return: sizes across its
/// reservations, and the cut at maxBuffer.
@Suite("capture: output read into its final buffer")
struct CaptureTests {
    @Test("5 MB of output (past the first 64 KiB reservation) arrives whole", arguments: [65535, 65536, 65537, 5_000_000])
    func largeOutput(bytes: Int) async throws {
        var options = ExecOptions()
        options.maxBuffer = 10_000_000
        let output = try await ChildProcess.execFile("head", ["-c", String(bytes), "/dev/urandom"], options: options)
        #expect(output.stdoutBytes.count == bytes)
        let synchronous = try ChildProcess.spawnSync("head", ["-c", String(bytes), "/dev/zero"], options: options)
        #expect(synchronous.stdoutBytes.count == bytes)
        #expect(synchronous.stdoutBytes.allSatisfy { $0 == 0 })
    }

    @Test("spawnSync past maxBuffer: exactly maxBuffer bytes are kept, and the error says so")
    func overflowCut() throws {
        var options = ExecOptions()
        options.maxBuffer = 3_000_000
        let synchronous = try ChildProcess.spawnSync("head", ["-c", "5000000", "/dev/zero"], options: options)
        #expect(synchronous.stdoutBytes.count == 3_000_000)
        #expect(synchronous.error == .maxBufferExceeded(descriptor: 1))
    }

    @Test("output exactly maxBuffer long is not an overflow")
    func exactlyTheLimit() async throws {
        var options = ExecOptions()
        options.maxBuffer = 100_000
        let output = try await ChildProcess.execFile("head", ["-c", "100000", "/dev/zero"], options: options)
        #expect(output.stdoutBytes.count == 100_000)
    }
}
