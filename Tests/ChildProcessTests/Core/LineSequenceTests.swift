@testable import ChildProcess
import Testing

@Suite("LineSequence")
struct LineSequenceTests {
    /// A line split inside a UTF-8 sequence, a `\r` kept, an empty line, a last line without `\n`.
    private let sample = Array("a\nbc\r\n\n\u{E9}t\u{E9}\nlast".utf8)
    private let sampleLines = ["a", "bc\r", "", "\u{E9}t\u{E9}", "last"]

    @Test("the same lines wherever the input is split into two or three chunks")
    func everySplitPoint() async throws {
        for first in 0...sample.count {
            for second in first...sample.count {
                let chunks = [Array(sample[..<first]), Array(sample[first..<second]), Array(sample[second...])]
                #expect(try await lines(of: chunks).lines == sampleLines, "split at \(first), \(second)")
            }
        }
    }

    @Test("one byte per chunk; nothing at all; a last line ending in a newline")
    func edgeChunkings() async throws {
        #expect(try await lines(of: sample.map { [$0] }).lines == sampleLines)
        #expect(try await lines(of: []).lines == [])
        #expect(try await lines(of: [[], []]).lines == [])
        #expect(try await lines(of: [Array("x\n".utf8)]).lines == ["x"])
        #expect(try await lines(of: [Array("\n".utf8), Array("\n".utf8)]).lines == ["", ""])
    }

    @Test("one 8 MiB chunk of 1-byte lines: no byte of it is moved")
    func largeChunkMovesNothing() async throws {
        let size = 8 << 20
        let result = try await lines(of: [Array(repeating: UInt8(ascii: "\n"), count: size)], collecting: false)
        #expect(result.count == size)
        #expect(result.movedByteCount == 0)
    }

    @Test("lines that straddle chunks: each unfinished line is moved once, so at most the input")
    func straddlingLinesMoveLinearly() async throws {
        // 7-byte lines in 4099-byte chunks: almost every chunk ends inside a line.
        let input = Array(String(repeating: "abcdef\n", count: 1 << 17).utf8)
        let chunks = stride(from: 0, to: input.count, by: 4099).map { Array(input[$0..<min($0 + 4099, input.count)]) }
        let result = try await lines(of: chunks, collecting: false)
        #expect(result.count == 1 << 17)
        #expect(result.movedByteCount > 0)
        #expect(result.movedByteCount <= chunks.count * 7, "at most one unfinished line per chunk")
    }

    private struct Collected {
        var lines: [String] = []
        var count = 0
        var movedByteCount = 0
    }

    private func lines(of chunks: [[UInt8]], collecting: Bool = true) async throws -> Collected {
        let stream = AsyncStream<[UInt8]> { continuation in
            for chunk in chunks { continuation.yield(chunk) }
            continuation.finish()
        }
        var iterator = LineSequence(stream).makeAsyncIterator()
        var collected = Collected()
        while let line = try await iterator.next() {
            collected.count += 1
            if collecting { collected.lines.append(line) }
        }
        collected.movedByteCount = iterator.movedByteCount
        return collected
    }
}
