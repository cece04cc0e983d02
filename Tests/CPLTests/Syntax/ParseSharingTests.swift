import Testing
@testable import CPL

/// A script's syntax tree is held whole while it runs, so words that recur (command names,
/// options, file names) share one copy of their parts; words whose parts hold source ranges
/// (expansions) keep their own, and every word keeps its own range.
@Suite("Equal words share their parts")
struct ParseSharingTests {
    /// The words of each simple command of `text`, one list per line.
    func words(_ text: String) throws -> [[Word]] {
        try Parser.parse(text, fileName: "t").items.flatMap { item in
            item.andOr.pipelines.flatMap(\.stages).compactMap { stage -> [Word]? in
                guard case .simple(let command) = stage else { return nil }
                return command.words + command.redirections.compactMap {
                    if case .word(let word) = $0.target { return word }
                    return nil
                }
            }
        }
    }

    func storage(_ parts: [WordPart]) -> UnsafeRawPointer? {
        parts.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
    }

    @Test func plainWordsShareTheirPartsAndKeepTheirRanges() throws {
        let line = #"printf '%s' "a b" c\ d -f > /dev/null-and-a-long-name"#
        let lines = try words(line + "\n" + line + "\n")
        try #require(lines.count == 2 && lines[0].count == 6 && lines[1].count == 6)
        for (first, second) in zip(lines[0], lines[1]) {
            #expect(first.parts == second.parts)
            #expect(first.sourceText == second.sourceText)
            #expect(storage(first.parts) == storage(second.parts), "`\(first.sourceText)` has two copies of its parts")
            #expect(first.range.start.line == 1 && second.range.start.line == 2)
            #expect(first.range.start.column == second.range.start.column)
        }
    }

    /// `é` as one scalar and as `e` with a combining accent are equal Strings but different words.
    @Test func wordsAreToldApartByTheirBytes() throws {
        let lines = try words("echo \u{E9}\necho e\u{301}\n")
        try #require(lines.count == 2 && lines[0].count == 2 && lines[1].count == 2)
        #expect(Array(lines[0][1].sourceText.utf8) == [0xC3, 0xA9])
        #expect(Array(lines[1][1].sourceText.utf8) == [0x65, 0xCC, 0x81])
        let literals = lines.map { line -> [UInt8] in
            guard case .literal(let text) = line[1].parts.first else { return [] }
            return Array(text.utf8)
        }
        #expect(literals == [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
    }

    @Test func wordsWithExpansionsKeepTheirOwnParts() throws {
        let lines = try words("echo \"$x\" ${y:-z} $(a) $((1 + 2))\necho \"$x\" ${y:-z} $(a) $((1 + 2))\n")
        try #require(lines.count == 2 && lines[0].count == 5 && lines[1].count == 5)
        for (first, second) in zip(lines[0], lines[1]).dropFirst() {
            #expect(storage(first.parts) != storage(second.parts))
            #expect(first.parts != second.parts, "the parts of `\(first.sourceText)` on two lines have the same ranges")
        }
    }

    @Test func pipelinesWithoutStandardErrorConnectionsShareThem() throws {
        let program = try Parser.parse("a | b | c\nd | e | f\ng |& h | i\n", fileName: "t")
        let pipelines = program.items.map(\.andOr.first)
        #expect(pipelines.map(\.pipeStderr) == [[false, false], [false, false], [true, false]])
        #expect(storage(pipelines[0].pipeStderr) == storage(pipelines[1].pipeStderr))
    }

    func storage(_ connections: [Bool]) -> UnsafeRawPointer? {
        connections.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
    }
}
