import Testing
@testable import ChildProcess

/// `LineSequence` (what `StdioPipe.lines` is) fed synthetic chunks: every chunk boundary is tried,
/// not only the ones a child's writes happen to make.
@Suite("lines of a chunk sequence")
struct LineSequenceTests {
    struct Sample: Sendable {
        let bytes: [UInt8]
        let lines: [String]
    }

    static let samples = [
        // A CR (kept) and a 2-byte UTF-8 character inside lines, an empty line, a last line
        // without its newline.
        Sample(bytes: Array("a\nbé\r\n\nd".utf8), lines: ["a", "bé\r", "", "d"]),
        // A final newline ends the last line; no empty line follows it.
        Sample(bytes: Array("a\n\nb\n".utf8), lines: ["a", "", "b"]),
        Sample(bytes: Array("\n".utf8), lines: [""]),
        Sample(bytes: [], lines: []),
    ]

    static func lines(of chunks: [ArraySlice<UInt8>]) async throws -> [String] {
        let stream = AsyncStream<[UInt8]> { continuation in
            for chunk in chunks { continuation.yield(Array(chunk)) }
            continuation.finish()
        }
        var lines: [String] = []
        for try await line in LineSequence(stream) { lines.append(line) }
        return lines
    }

    @Test("two chunks, split at every byte position (empty chunks included)")
    func everySplit() async throws {
        for sample in Self.samples {
            for cut in 0...sample.bytes.count {
                let chunks = [sample.bytes[..<cut], sample.bytes[cut...]]
                #expect(try await Self.lines(of: chunks) == sample.lines, "\(sample.bytes) cut at \(cut)")
            }
        }
    }

    @Test("three chunks, split at every pair of positions")
    func everyDoubleSplit() async throws {
        for sample in Self.samples {
            let count = sample.bytes.count
            for first in 0...count {
                for second in first...count {
                    let chunks = [sample.bytes[..<first], sample.bytes[first..<second], sample.bytes[second...]]
                    #expect(try await Self.lines(of: chunks) == sample.lines, "\(sample.bytes) cut at \(first), \(second)")
                }
            }
        }
    }

    @Test("one byte per chunk")
    func byteAtATime() async throws {
        for sample in Self.samples {
            let chunks = sample.bytes.indices.map { sample.bytes[$0...$0] }
            #expect(try await Self.lines(of: chunks) == sample.lines, "\(sample.bytes)")
        }
    }
}
