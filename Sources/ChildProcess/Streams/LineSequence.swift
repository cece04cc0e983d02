import Glibc

/// Lines of a byte-chunk sequence, split on `\n` (a preceding `\r` is kept), decoded as UTF-8
/// (invalid bytes become U+FFFD; the interpreter's streams decode losslessly instead). A final
/// line without a newline is still yielded. The one line reader of the library and the interpreter.
public struct LineSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    public typealias Element = String
    let base: Base
    let decoding: LineDecoding

    package init(_ base: Base, decoding: LineDecoding = .utf8) {
        self.base = base
        self.decoding = decoding
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: Base.AsyncIterator
        let decoding: LineDecoding
        var pending: [UInt8] = []
        /// Where the first line not yet returned starts in `pending`.
        var lineStart = 0
        /// `pending[lineStart..<searchFrom]` holds no newline.
        var searchFrom = 0
        var finished = false
        /// Bytes moved to the front of `pending` when the returned lines are dropped. Only the
        /// unfinished line is moved, at most once per chunk: linear in the input.
        var movedByteCount = 0

        public mutating func next() async throws -> String? {
            while true {
                if let newline = nextNewline() {
                    let line = decoding.decode(pending[lineStart..<newline])
                    lineStart = newline + 1
                    searchFrom = lineStart
                    return line
                }
                searchFrom = pending.count
                if finished { return nil }
                if let chunk = try await chunks.next() {
                    dropReturnedLines()
                    pending += chunk
                } else {
                    finished = true
                    if lineStart == pending.count { return nil }
                    defer { pending = []; lineStart = 0; searchFrom = 0 }
                    return decoding.decode(pending[lineStart...])
                }
            }
        }

        /// The index of the next `\n` from `searchFrom`. memchr: a byte-by-byte scan of a large
        /// chunk of short lines is several times slower.
        private func nextNewline() -> Int? {
            pending.withUnsafeBufferPointer { bytes in
                guard searchFrom < bytes.count,
                      let found = memchr(bytes.baseAddress! + searchFrom, 0x0A, bytes.count - searchFrom)
                else { return nil }
                return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
        }

        /// Once per chunk rather than once per line: removing each line from the front would
        /// move the rest of a large chunk every time.
        private mutating func dropReturnedLines() {
            guard lineStart > 0 else { return }
            movedByteCount += pending.count - lineStart
            pending.removeSubrange(..<lineStart)
            searchFrom -= lineStart
            lineStart = 0
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: base.makeAsyncIterator(), decoding: decoding) }
}

/// How a line's bytes become a `String`.
package enum LineDecoding: Sendable {
    /// Invalid bytes become U+FFFD (what `String(decoding:as:)` does).
    case utf8
    /// Every byte kept (`String(losslessBytes:)`): the interpreter's streams.
    case lossless

    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8: String(decoding: bytes, as: UTF8.self)
        case .lossless: String(losslessBytes: bytes)
        }
    }
}
