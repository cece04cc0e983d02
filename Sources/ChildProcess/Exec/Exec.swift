import Synchronization

extension ChildProcess {
    /// Runs `command` through `/bin/sh -c` and collects its output (Node's `exec`).
    /// Throws `ExecError` when the command fails, times out, overflows `maxBuffer` or is cancelled.
    public static func exec(_ command: String, options: ExecOptions = ExecOptions()) async throws(ExecError) -> ExecOutput {
        var options = options
        if options.shell == nil { options.shell = SpawnOptions.defaultShell }
        return try await collect(command, [], options: options, displayedAs: command)
    }

    /// Runs `file` with `arguments`, without a shell, and collects its output (Node's `execFile`).
    public static func execFile(_ file: String, _ arguments: [String] = [], options: ExecOptions = ExecOptions())
        async throws(ExecError) -> ExecOutput
    {
        try await collect(file, arguments, options: options, displayedAs: ([file] + arguments).joined(separator: " "))
    }

    /// `execFile(_:_:options:)` with the program and arguments as bytes, none of which need be
    /// UTF-8 (see `spawn(_:_:options:)`'s byte form).
    public static func execFile(_ executable: FilePath, _ arguments: [[UInt8]] = [], options: ExecOptions = ExecOptions())
        async throws(ExecError) -> ExecOutput
    {
        try await execFile(String(losslessPath: executable), [String](losslessBytes: arguments), options: options)
    }

    private static func collect(_ file: String, _ arguments: [String], options: ExecOptions, displayedAs cmd: String)
        async throws(ExecError) -> ExecOutput
    {
        var spawnOptions = options.spawnOptions
        spawnOptions.stdio = [options.input == nil ? .ignore : .pipe, .pipe, .pipe]
        let child: ChildProcess
        do {
            child = try spawn(file, arguments, options: spawnOptions)
        } catch {
            throw ExecError(reason: .spawnFailed(error), cmd: cmd, status: nil, killed: false,
                            stdoutBytes: [], stderrBytes: [], encoding: options.encoding)
        }
        let overflow = Overflow()
        async let stdoutBytes = drain(child.stdout, of: child, limit: options.maxBuffer, overflow: overflow)
        async let stderrBytes = drain(child.stderr, of: child, limit: options.maxBuffer, overflow: overflow)
        if let input = options.input, let stdin = child.stdin {
            try? await stdin.write(input)
            stdin.end()
        }
        let status: ExitStatus?
        var aborted = false
        do {
            status = try await child.waitForExit()
        } catch {
            switch error {
            case .aborted(let final):
                aborted = true
                status = final
            case .childAlreadyReaped:
                status = nil
            }
        }
        await child.closeAfterTimeout()
        let output = ExecOutput(stdoutBytes: await stdoutBytes, stderrBytes: await stderrBytes, encoding: options.encoding,
                                closeTimedOut: child.closeTimedOut)
        let reason: ExecError.Reason? =
            if let descriptor = overflow.descriptor.withLock({ $0 }) { .maxBufferExceeded(descriptor: descriptor) }
            else if aborted { .aborted }
            else if child.timedOut { .timedOut }
            else if let status { status.isSuccess ? nil : .failed }
            else { .childAlreadyReaped }
        guard let reason else { return output }
        throw ExecError(reason: reason, cmd: cmd, status: status, killed: child.killed,
                        stdoutBytes: output.stdoutBytes, stderrBytes: output.stderrBytes, encoding: options.encoding,
                        teardown: child.teardownReport)
    }


    /// Reads one output stream to its end, or until it overflows `limit`: then, as Node does, both
    /// streams are destroyed and the child torn down.
    private static func drain(_ pipe: StdioPipe?, of child: ChildProcess, limit: Int, overflow: Overflow) async -> [UInt8] {
        guard let pipe else { return [] }
        var collected = OutputBuffer(limit: limit)
        var widened = false
        while true {
            let count = try? await pipe.readSome { descriptor throws(Errno) in
                let count = try collected.read(from: descriptor)
                // A read that took a whole default buffer (64 KiB) found the pipe full: a stream
                // that large gets a 1 MiB buffer, so that it is waited for a sixteenth as often.
                // Best effort, as for `pipe(to:)`; a small output costs no extra call.
                if count >= 1 << 16, !widened {
                    widened = true
                    _ = try? descriptor.setPipeCapacity(1 << 20)
                }
                return count
            }
            guard let count, count > 0 else { return collected.finished() }
            if collected.overflowed {
                overflow.descriptor.withLock { $0 = $0 ?? pipe.childDescriptor }
                // Signal first: closing the pipes first could let SIGPIPE end the child before our signal.
                child.overflow()
                child.stdout?.close()
                child.stderr?.close()
                return collected.bytes
            }
        }
    }
}

/// The first stream that went past `maxBuffer`.
final class Overflow: Sendable {
    let descriptor = Mutex<Int32?>(nil)
}

/// Output kept up to a limit, read straight into its final array: what is past the limit is cut,
/// and the overflow reported.
struct OutputBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var overflowed = false

    /// The first 64 KiB, then (for a stream that goes on) room up to the limit at once, at most
    /// 1 GiB, doubling past that: untouched capacity is address space, not memory, so a large
    /// output is not copied to grow, and a small one reserves little.
    private static let firstReservation = 1 << 16
    private static let largeReservation = 1 << 30

    init(limit: Int) { self.limit = limit }

    /// One read(2) of `descriptor` into the buffer: the bytes it took (0: end of file). A byte
    /// past the limit is read to see the overflow, then cut.
    mutating func read(from descriptor: FileDescriptor) throws(Errno) -> Int {
        let room = min(limit - bytes.count, Int.max - 1) + 1
        if bytes.capacity == bytes.count {
            let wanted = bytes.capacity == 0 ? Self.firstReservation : max(Self.largeReservation, bytes.capacity * 2)
            bytes.reserveCapacity(bytes.count + min(room, wanted - bytes.count))
        }
        let count = try bytes.appendRead(from: descriptor, upTo: room)
        if bytes.count > limit {
            bytes.removeLast(bytes.count - limit)
            overflowed = true
        }
        return count
    }

    /// The output, without the unused reservation when it is small enough to copy cheaply.
    mutating func finished() -> [UInt8] {
        if bytes.count <= 1 << 20, bytes.capacity - bytes.count > 1 << 16 { bytes = bytes.withUnsafeBufferPointer { Array($0) } }
        return bytes
    }
}
