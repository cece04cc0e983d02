import Glibc
import Synchronization

/// The parent's end of a child's pipe (Node's `child.stdout`, `child.stdin`, `child.stdio[n]`).
/// Output pipes are async sequences of byte chunks; input pipes take `write` and `end`.
/// The pipe owns its descriptor and closes it when ended, closed, or deinitialised.
public final class StdioPipe: Sendable {
    /// The descriptor number in the child this pipe is connected to.
    public let childDescriptor: Int32
    let descriptor: FileDescriptor
    let watcher: Watcher

    private struct State {
        var closing = false
        var closed = false
        var operationsInFlight = 0
        var reachedEnd = false
    }
    private let state = Mutex(State())

    init(_ descriptor: FileDescriptor, childDescriptor: Int32) throws(Errno) {
        try descriptor.setNonBlocking()
        self.descriptor = descriptor
        self.childDescriptor = childDescriptor
        self.watcher = Watcher(descriptor)
    }

    /// Adopts a descriptor that did not come from `spawn` (such as the read end of a pipe whose
    /// write end was handed to several children): it is made non-blocking and read or written
    /// through the reactor, and closed by this pipe. Only this process must use that open file.
    public convenience init(adopting descriptor: FileDescriptor) throws(Errno) {
        try self.init(descriptor, childDescriptor: -1)
    }

    deinit { closeNow() }

    // MARK: Reading

    /// Reads the next chunk of at most `maxLength` bytes; nil at end of stream.
    public func read(upTo maxLength: Int = 65536) async throws(Errno) -> [UInt8]? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maxLength, alignment: 1)
        defer { buffer.deallocate() }
        let count = try await readSome(into: buffer)
        if count == 0 { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }

    /// Reads at least one byte into `buffer`, waiting as needed; 0 at end of stream.
    func readSome(into buffer: UnsafeMutableRawBufferPointer) async throws(Errno) -> Int {
        while true {
            guard beginOperation() else { return 0 }
            let result: Int
            do throws(Errno) {
                result = try descriptor.read(into: buffer)
            } catch where error == .wouldBlock {
                endOperation()
                guard await watcher.wait(until: .readable) else {
                    if Task.isCancelled { throw Errno.interrupted }
                    return 0
                }
                continue
            } catch {
                endOperation()
                throw error
            }
            endOperation()
            if result == 0 { state.withLock { $0.reachedEnd = true } }
            return result
        }
    }

    /// All remaining bytes.
    public func bytes() async throws(Errno) -> [UInt8] {
        var all: [UInt8] = []
        while let chunk = try await read() { all += chunk }
        return all
    }

    /// All remaining bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    public func text() async throws(Errno) -> String {
        String(decoding: try await bytes(), as: UTF8.self)
    }

    /// The remaining output split into lines (without their `\n`), decoded as UTF-8.
    public var lines: LineSequence<StdioPipe> { LineSequence(self) }

    /// Suspends until every writer of the other side has closed it (or this end was closed),
    /// without consuming what is still buffered: what Node's 'close' waits for.
    public func waitForEnd() async {
        if state.withLock({ $0.reachedEnd || $0.closing }) { return }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            watcher.notify(when: .hangup) { _ in continuation.resume() }
        }
    }

    // MARK: Writing

    /// Writes every byte, waiting while the pipe is full. Throws EPIPE once the reader has gone.
    public func write(_ bytes: some Sequence<UInt8>) async throws(Errno) {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            guard beginOperation() else { throw Errno.brokenPipe }
            do throws(Errno) {
                offset += try array.withUnsafeBytes { all in
                    Result { () throws(Errno) in try descriptor.write(UnsafeRawBufferPointer(rebasing: all[offset...])) }
                }.get()
                endOperation()
            } catch where error == .wouldBlock {
                endOperation()
                guard await watcher.wait(until: .writable) else { throw Errno.brokenPipe }
            } catch {
                endOperation()
                throw error
            }
        }
    }

    public func write(_ text: String) async throws(Errno) {
        try await write(text.utf8)
    }

    /// Closes the parent's end: the child reads end-of-file (Node's `stdin.end()`).
    public func end() { close() }

    /// Closes the parent's end now; a read in progress returns end of stream.
    public func close() {
        let closeNow = state.withLock { state -> Bool in
            if state.closing { return false }
            state.closing = true
            return state.operationsInFlight == 0
        }
        watcher.invalidate()
        if closeNow { self.closeNow() }
    }

    // MARK: Descriptor lifetime

    /// A read or write must not race with close() reusing the descriptor number.
    private func beginOperation() -> Bool {
        state.withLock { state in
            if state.closing { return false }
            state.operationsInFlight += 1
            return true
        }
    }

    private func endOperation() {
        let close = state.withLock { state -> Bool in
            state.operationsInFlight -= 1
            return state.closing && state.operationsInFlight == 0
        }
        if close { closeNow() }
    }

    private func closeNow() {
        let shouldClose = state.withLock { state -> Bool in
            if state.closed { return false }
            state.closed = true
            return true
        }
        guard shouldClose else { return }
        watcher.invalidate()
        descriptor.close()
    }
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
