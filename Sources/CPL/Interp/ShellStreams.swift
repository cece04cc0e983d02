import ChildProcess
import Glibc
import Synchronization

/// A builtin's (or an exec handler's) output: its fd 1 or 2 in the shell's
/// descriptor table, which may be a pipe to the next pipeline stage, a file,
/// or the terminal.
///
/// Writes never block Swift's cooperative threads. A write to a pipe whose
/// reader has gone throws `Errno.brokenPipe`; the stage then ends with status
/// 141, as a program killed by SIGPIPE would.
public final class ShellOutput: Sendable {
    private let source: StreamSource
    private let brokenPipe = Atomic<Bool>(false)

    init(_ file: OpenFile?) {
        source = .file(file)
    }

    /// Descriptor `fd` of a command's table, for as long as the command holds it.
    init(_ descriptors: DescriptorHandoff, fd: Int) {
        source = .shared(descriptors, fd)
    }

    var file: OpenFile? { source.file }

    /// The underlying descriptor (nil when closed with `>&-`). Do not close it.
    public var fileDescriptor: FileDescriptor? { file?.descriptor }

    /// Whether some write failed because the reader had gone.
    public var hitBrokenPipe: Bool { brokenPipe.load(ordering: .relaxed) }

    public func write(_ bytes: [UInt8]) async throws(Errno) {
        guard let file else { throw Errno(rawValue: EBADF) }
        do {
            try await file.write(bytes)
        } catch {
            if error == .brokenPipe { brokenPipe.store(true, ordering: .relaxed) }
            throw error
        }
    }

    /// Writes `text.losslessBytes`: every message and builtin output goes through here.
    public func write(_ text: String) async throws(Errno) {
        try await write(text.losslessBytes)
    }
}

/// A builtin's standard input (fd 0 of its descriptor table).
public final class ShellInput: Sendable {
    private let source: StreamSource

    init(_ file: OpenFile?) {
        source = .file(file)
    }

    init(_ descriptors: DescriptorHandoff, fd: Int) {
        source = .shared(descriptors, fd)
    }

    var file: OpenFile? { source.file }

    public var fileDescriptor: FileDescriptor? { file?.descriptor }

    /// Up to `maximum` bytes; nil at end of input (or when fd 0 is closed).
    public func read(upTo maximum: Int = 65536) async throws(Errno) -> [UInt8]? {
        guard let file else { return nil }
        let bytes = try await file.read(upTo: maximum)
        return bytes.isEmpty ? nil : bytes
    }

    /// Everything until end of input.
    public func readAll() async throws(Errno) -> [UInt8] {
        var result: [UInt8] = []
        while let chunk = try await read() { result += chunk }
        return result
    }

    /// Everything until end of input, decoded losslessly.
    public func readText() async throws(Errno) -> String {
        String(losslessBytes: try await readAll())
    }

    /// Lines (without their `\n`) until end of input, decoded losslessly.
    public var lines: LineSequence<ShellInput> { LineSequence(self, decoding: .lossless) }
}

/// The input as it arrives, in chunks.
extension ShellInput: AsyncSequence {
    public typealias Element = [UInt8]
    public typealias Failure = Errno

    public struct AsyncIterator: AsyncIteratorProtocol {
        let input: ShellInput

        public mutating func next() async throws(Errno) -> [UInt8]? {
            try await input.read()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(input: self) }
}

/// Where a stream's descriptor comes from: a file held for the stream's
/// lifetime, or a command's descriptor table (released once a program has
/// its copies, so that pipe ends close promptly).
enum StreamSource: Sendable {
    case file(OpenFile?)
    case shared(DescriptorHandoff, Int)

    var file: OpenFile? {
        switch self {
        case .file(let file): file
        case .shared(let descriptors, let fd): descriptors[fd]
        }
    }
}
