import CChildProcessShims
import Glibc

/// The parent's end of a child's pseudo-terminal (`.terminal` in `stdio`): a duplex stream. What
/// is written is typed at the child's terminal, through its line discipline (`"\u{03}"` is Ctrl-C
/// for the foreground process group); what the child writes, echo included, is read as an async
/// sequence of byte chunks. The sequence ends when every holder of the child's end has closed it
/// (the kernel's EIO there is the end of file). The terminal owns its descriptor and closes it
/// when closed or deinitialised, which hangs up the child's side.
public final class PseudoTerminal: Sendable {
    /// The child's terminal device, such as `/dev/pts/3`: what `tty` prints in the child.
    public let devicePath: String
    /// `ChildProcess.waitForClose` waits for its end as for a pipe's.
    let stream: StdioPipe

    init(adopting parentEnd: FileDescriptor, devicePath: String) throws(Errno) {
        stream = try StdioPipe(parentEnd, childDescriptor: -1, readsEIOAsEnd: true)
        self.devicePath = devicePath
    }

    /// A new pseudo-terminal of `size`: the parent's end, the child's end (both O_CLOEXEC, neither
    /// this process's controlling terminal) and the device path of the child's end.
    static func open(size: TerminalSize) throws(Errno)
        -> (parentEnd: FileDescriptor, childEnd: FileDescriptor, devicePath: String)
    {
        var descriptors: [Int32] = [-1, -1]
        var name = [CChar](repeating: 0, count: 64)
        guard cp_open_pseudo_terminal(&descriptors, &name, name.count, size.rows, size.columns) == 0 else {
            throw Errno.current
        }
        return (FileDescriptor(rawValue: descriptors[0]), FileDescriptor(rawValue: descriptors[1]),
                String(losslessCString: name))
    }

    // MARK: Window size

    /// Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group.
    public func resize(rows: UInt16, columns: UInt16) throws(Errno) {
        try stream.io.withDescriptor { descriptor throws(Errno) in
            if cp_set_window_size(descriptor.rawValue, rows, columns) < 0 { throw Errno.current }
        }
    }

    /// The current window size (the child may set it too).
    public var size: TerminalSize {
        get throws(Errno) {
            try stream.io.withDescriptor { descriptor throws(Errno) in
                var size = TerminalSize(rows: 0, columns: 0)
                if cp_get_window_size(descriptor.rawValue, &size.rows, &size.columns) < 0 { throw Errno.current }
                return size
            }
        }
    }

    // MARK: Reading and writing (as a StdioPipe)

    /// Reads the next chunk of at most `maxLength` bytes; nil at end of stream.
    public func read(upTo maxLength: Int = 65536) async throws(Errno) -> [UInt8]? {
        try await stream.read(upTo: maxLength)
    }

    /// All remaining bytes, up to the end of the child's side.
    public func bytes() async throws(Errno) -> [UInt8] { try await stream.bytes() }

    /// All remaining bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    public func text() async throws(Errno) -> String { try await stream.text() }

    /// The remaining output split on `\n`; the terminal ends lines with `\r\n`, and the `\r` is kept.
    public var lines: LineSequence<PseudoTerminal> { LineSequence(self) }

    /// Writes every byte, waiting while the terminal's input queue is full. Throws EIO once the
    /// child's side is closed.
    public func write(_ bytes: some Sequence<UInt8>) async throws(Errno) { try await stream.write(bytes) }

    /// Writes `text.losslessBytes`.
    public func write(_ text: String) async throws(Errno) { try await stream.write(text) }

    /// Suspends until every holder of the child's end has closed it, without consuming output.
    public func waitForEnd() async { await stream.waitForEnd() }

    /// Closes the parent's end now: the child's side is hung up (its session gets SIGHUP).
    public func close() { stream.close() }
}

extension PseudoTerminal: AsyncSequence {
    public typealias Element = [UInt8]
    public typealias Failure = Errno

    public struct AsyncIterator: AsyncIteratorProtocol {
        let terminal: PseudoTerminal
        public mutating func next() async throws(Errno) -> [UInt8]? { try await terminal.read() }
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Errno) -> [UInt8]? {
            try await terminal.read()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(terminal: self) }
}
