import Testing
@testable import ChildProcess

/// Renders results so whole sequences can be compared exactly.
private func render(_ results: [Result<JSONValue, JSONError>]) -> [String] {
    results.map {
        switch $0 {
        case .success(let v): return "ok " + v.serializedString()
        case .failure(let e): return "error \(e.reason) @\(e.offset)"
        }
    }
}

@Suite("JSON line decoder")
struct JSONLineDecoderTests {
    /// Three lines with 2-, 3- and 4-byte UTF-8 characters and an escape.
    static let input = Array(#"{"cmd":"héllo","n":1}"#.utf8) + [0x0A]
        + Array(#"["€uro","😀",-0.5,"\ud800"]"#.utf8) + [0x0A]
        + Array("\"ü\"".utf8) + [0x0A]
    static let expected = [
        #"ok {"cmd":"héllo","n":1}"#,
        #"ok ["€uro","😀",-0.5,"\ud800"]"#,
        #"ok "ü""#,
    ]

    @Test("whole input in one chunk")
    func oneChunk() {
        var d = JSONLineDecoder()
        #expect(render(d.decode(Self.input)) == Self.expected)
        #expect(d.pendingByteCount == 0)
        #expect(d.finish() == nil)
    }

    @Test("split into two chunks at every byte position")
    func everySplit() {
        for cut in 0...Self.input.count {
            var d = JSONLineDecoder()
            let results = d.decode(Self.input[..<cut]) + d.decode(Self.input[cut...])
            #expect(render(results) == Self.expected, "cut at \(cut)")
        }
    }

    @Test("split into three chunks at every pair of positions")
    func everyDoubleSplit() {
        let n = Self.input.count
        for a in 0...n {
            for b in a...n {
                var d = JSONLineDecoder()
                var results = d.decode(Self.input[..<a])
                results += d.decode(Self.input[a..<b])
                results += d.decode(Self.input[b...])
                #expect(render(results) == Self.expected, "cuts at \(a), \(b)")
            }
        }
    }

    @Test("one byte at a time, lines come out as soon as they are complete")
    func byteAtATime() {
        var d = JSONLineDecoder()
        var results: [Result<JSONValue, JSONError>] = []
        for (i, byte) in Self.input.enumerated() {
            let out = d.decode(CollectionOfOne(byte))
            #expect(out.isEmpty == (byte != 0x0A), "byte \(i)")
            results += out
        }
        #expect(render(results) == Self.expected)
    }

    @Test("empty and invalid lines give errors without losing the lines around them")
    func badLines() {
        var d = JSONLineDecoder()
        let stream = "1\n\n{\"a\":\n[2]\r\n   \n\"x\"\n{\"a\":1,}\n3\n"
        let results = d.decode(Array(stream.utf8))
        #expect(render(results) == [
            "ok 1",
            "error unexpectedEndOfInput @0",
            "error unexpectedEndOfInput @5",
            "ok [2]", // trailing CR is whitespace
            "error unexpectedEndOfInput @3",
            #"ok "x""#,
            "error unexpectedCharacter @7",
            "ok 3",
        ])
    }

    @Test("invalid UTF-8 split across chunks is replaced once, as by Node's StringDecoder")
    func invalidUTF8() {
        var d = JSONLineDecoder()
        var results = d.decode([0x22, 0xE2, 0x82])     // incomplete "€"...
        results += d.decode([0x22, 0x0A, 0x22, 0xF0])  // ...ended by the quote
        results += d.decode([0x9F, 0x98, 0x80, 0x22, 0x0A])
        #expect(render(results) == ["ok \"\u{FFFD}\"", "ok \"😀\""])
    }

    @Test("finish() decodes a final line without newline")
    func finish() {
        var d = JSONLineDecoder()
        #expect(render(d.decode(Array("1\n[2,".utf8))) == ["ok 1"])
        #expect(d.pendingByteCount == 3)
        #expect(d.decode(Array("3]".utf8)).isEmpty)
        #expect(render(d.finish().map { [$0] } ?? []) == ["ok [2,3]"])
        #expect(d.finish() == nil)
        #expect(d.pendingByteCount == 0)
    }

    @Test("pull API: append then next()")
    func pull() throws {
        var d = JSONLineDecoder()
        d.append(contentsOf: Array("{\"a\":1}\n[".utf8))
        #expect(try d.next()?.get() == ["a": 1])
        #expect(d.next() == nil)
        d.append(contentsOf: Array("]\n".utf8))
        #expect(try d.next()?.get() == [])
        #expect(d.next() == nil)
    }

    @Test("long stream in uneven chunks (buffer compaction) keeps every message in order")
    func longStream() throws {
        var stream: [UInt8] = []
        let count = 3000
        for i in 0..<count {
            let value: JSONValue = ["i": .number(Double(i)), "pad": .string(String(repeating: "é", count: i % 50))]
            stream += value.serializedLine()
        }
        var d = JSONLineDecoder()
        var seen = 0
        var position = 0
        var chunk = 1
        while position < stream.count {
            let end = min(stream.count, position + chunk)
            for r in d.decode(stream[position..<end]) {
                let v = try r.get()
                #expect(v["i"]?.intValue == seen)
                seen += 1
            }
            position = end
            chunk = chunk * 7 % 9973 + 1
        }
        #expect(seen == count)
        #expect(d.pendingByteCount == 0)
    }

    @Test("maxDepth applies per line")
    func depth() {
        var d = JSONLineDecoder(maxDepth: 2)
        #expect(render(d.decode(Array("[[1]]\n[[[1]]]\n".utf8))) == ["ok [[1]]", "error nestingTooDeep @2"])
    }
}
