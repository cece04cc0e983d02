import Glibc
import Synchronization

/// The parent's end of a child's pipe (Node's `child.stdout`, `child.stdin`, `child.stdio[n]`).
/// Output pipes are async sequences of byte chunks; input pipes take `write` and `end`.
/// The pipe owns its descriptor and closes it when ended, closed, or deinitialised.
public final class StdioPipe: Sendable {
    /// The descriptor number in the child this pipe is connected to.
    public let childDescriptor: Int32
    let io: OwnedDescriptor
    private let reachedEnd = Mutex(false)
    /// A terminal's parent end reads EIO, not 0, once the child's end is closed everywhere.
    private let readsEIOAsEnd: Bool

    init(_ descriptor: FileDescriptor, childDescriptor: Int32, readsEIOAsEnd: Bool = false) throws(Errno) {
        io = try OwnedDescriptor(adopting: descriptor)
        self.childDescriptor = childDescriptor
        self.readsEIOAsEnd = readsEIOAsEnd
    }

    /// Adopts a descriptor that did not come from `spawn` (such as the read end of a pipe whose
    /// write end was handed to several children): it is made non-blocking and read or written
    /// through the reactor, and closed by this pipe. Only this process must use that open file.
    public convenience init(adopting descriptor: FileDescriptor) throws(Errno) {
        try self.init(descriptor, childDescriptor: -1)
    }

    /// A new pipe whose read end this process reads through the reactor; the write end is the
    /// caller's to hand to children (and to close).
    public static func makeReader() throws(Errno) -> (reader: StdioPipe, writeEnd: FileDescriptor) {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        do {
            return (try StdioPipe(adopting: readEnd), writeEnd)
        } catch {
            // The failed adoption has closed readEnd already; its error is the one to report.
            try? writeEnd.close()
            throw error
        }
    }

    /// A new pipe whose write end this process writes through the reactor; the read end is the
    /// caller's to hand to children (and to close).
    public static func makeWriter() throws(Errno) -> (readEnd: FileDescriptor, writer: StdioPipe) {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        do {
            return (readEnd, try StdioPipe(adopting: writeEnd))
        } catch {
            // The failed adoption has closed writeEnd already; its error is the one to report.
            try? readEnd.close()
            throw error
        }
    }

    // MARK: Reading

    /// Reads the next chunk of at most `maxLength` bytes; nil at end of stream.
    public func read(upTo maxLength: Int = 65536) async throws(Errno) -> [UInt8]? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maxLength, alignment: 1)
        defer { buffer.deallocate() }
        let count = try await readSome(into: buffer)
        if count == 0 { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }

    /// Reads at least one byte into `buffer`, waiting as needed; 0 at end of stream or once closed.
    /// EBADF while this end is open is an error, not an end: the descriptor was closed or replaced
    /// under the pipe (a double close elsewhere), and what was still to come is lost.
    func readSome(into buffer: UnsafeMutableRawBufferPointer) async throws(Errno) -> Int {
        try await readSome { descriptor throws(Errno) in try descriptor.read(into: buffer) }
    }

    /// Runs `read`, a read(2) of the descriptor that returns the bytes it took, once the pipe
    /// is readable; 0 at end of stream or once closed.
    func readSome(_ read: (FileDescriptor) throws(Errno) -> Int) async throws(Errno) -> Int {
        let count: Int
        do {
            count = try await io.perform(waitingFor: .readable, read)
        } catch where error.rawValue == EBADF && io.isClosed {
            return 0
        } catch where error.rawValue == EIO && readsEIOAsEnd {
            count = 0
        }
        if count == 0 { markEndReached() }
        return count
    }

    func markEndReached() { reachedEnd.withLock { $0 = true } }

    /// All remaining bytes.
    public func bytes() async throws(Errno) -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try await read() { all += chunk }
        return all
    }

    /// All remaining bytes decoded as UTF-8 (invalid sequences become U+FFFD): text for display.
    /// `String(losslessBytes: bytes())` keeps every byte instead.
    public func text() async throws(Errno) -> String {
        String(decoding: try await bytes(), as: UTF8.self)
    }

    /// The remaining output split into lines (without their `\n`), decoded as UTF-8.
    public var lines: LineSequence<StdioPipe> { LineSequence(self) }

    /// Suspends until every writer of the other side has closed it (or this end was closed),
    /// without consuming what is still buffered: what Node's 'close' waits for.
    public func waitForEnd() async {
        if reachedEnd.withLock({ $0 }) { return }
        await io.waitForHangup()
    }

    // MARK: Writing

    /// Writes every byte, waiting while the pipe is full. Throws EPIPE once the reader has gone.
    public func write(_ bytes: some Sequence<UInt8>) async throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            do {
                offset += try await io.perform(waitingFor: .writable) { descriptor throws(Errno) in
                    try array.withUnsafeBytes { all in
                        Result { () throws(Errno) in try descriptor.write(UnsafeRawBufferPointer(rebasing: all[offset...])) }
                    }.get()
                }
            } catch where error.rawValue == EBADF {
                throw .brokenPipe
            }
        }
    }

    /// Writes `text.losslessBytes` (plain text is written as UTF-8).
    public func write(_ text: String) async throws(Errno) {
        try await write(text.losslessBytes)
    }

    /// Closes the parent's end: the child reads end-of-file (Node's `stdin.end()`).
    public func end() { close() }

    /// Closes the parent's end now; a read in progress returns end of stream.
    public func close() { io.close() }
}

extension StdioPipe: AsyncSequence {
    public typealias Element = [UInt8]
    public typealias Failure = Errno

    public struct AsyncIterator: AsyncIteratorProtocol {
        let pipe: StdioPipe
        public mutating func next() async throws(Errno) -> [UInt8]? { try await pipe.read() }
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Errno) -> [UInt8]? {
            try await pipe.read()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pipe: self) }
}
