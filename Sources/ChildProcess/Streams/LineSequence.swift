/// Lines of a byte-chunk sequence, split on `\n` (a preceding `\r` is kept), decoded as UTF-8.
/// A final line without a newline is still yielded.
public struct LineSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    public typealias Element = String
    let base: Base

    init(_ base: Base) { self.base = base }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: Base.AsyncIterator
        var pending: [UInt8] = []
        var searchFrom = 0
        var finished = false

        public mutating func next() async throws -> String? {
            while true {
                if let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    searchFrom = 0
                    return line
                }
                searchFrom = pending.count
                if finished { return nil }
                if let chunk = try await chunks.next() {
                    pending += chunk
                } else {
                    finished = true
                    if pending.isEmpty { return nil }
                    defer { pending = []; searchFrom = 0 }
                    return String(decoding: pending, as: UTF8.self)
                }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: base.makeAsyncIterator()) }
}
