import Glibc

/// The cpl parser: source text in, `Program` out (or a `ParseError`).
///
///     let program = try Parser.parse(text, fileName: "script.cpl")
///
/// The whole input is parsed before anything is returned, so a syntax error
/// anywhere means nothing runs. Lexing is done on demand by the parser
/// (the shell grammar is context dependent: here-document bodies, `$(…)`).
///
/// Internally one `Parser` value scans one buffer: the source itself, or an
/// inner buffer (backquote contents after unescaping, an unquoted
/// here-document body after tab stripping) with a map back to source offsets.
public struct Parser {
    /// Parses a whole program.
    ///
    /// - Throws: `ParseError`; its `isIncomplete` is true when the input ended
    ///   while a construct was still open (a REPL should read another line).
    /// - Parameters:
    ///   - source: the whole text, parsed before any of it runs.
    ///   - fileName: the name diagnostics give the text.
    ///   - aliases: `alias` definitions in force for this text (dash's rule: an alias
    ///     applies to text parsed after it was defined, so a script's own aliases do not apply to it).
    ///   - posix: read the text as sh does, without cpl's extensions: `&>`, `|&` and `&!`
    ///     are not operators, `<<<` is an error and `{a,b}` is a literal word (as dash does).
    public static func parse(
        _ source: String, fileName: String = "<input>", aliases: [String: String] = [:], posix: Bool = false
    ) throws(ParseError) -> Program {
        var parser = Parser(source: SourceText(source), fileName: fileName)
        parser.aliases = aliases
        parser.posix = posix
        return try parser.parseWholeBuffer()
    }

    let source: SourceText
    let fileName: String
    /// The buffer being scanned (an alias's value is spliced in where it is used).
    var bytes: [UInt8]
    /// `bytes` index → source offset.
    var offsetMap: OffsetMap
    /// Aliases to expand, and the ones whose text is being parsed (each with the buffer index
    /// where its text ends): an alias is not expanded inside its own text.
    var aliases: [String: String] = [:]
    var aliasesInUse: [(name: String, end: Int)] = []
    /// Where the text of an alias that ended in a blank ends (the next word is checked too).
    var wordAfterBlankAlias: Int?
    /// POSIX mode: sh's operators only, no brace expansion.
    var posix = false
    /// Scanning an inner buffer whose end is not the end of the input: no
    /// error from here can be "incomplete".
    let isNested: Bool
    /// Nesting depth of groups and substitutions, to bound recursion.
    var depth: Int
    /// The constructs being parsed, innermost last, for the note on a closer of another one.
    var openConstructs: [OpenConstruct] = []

    var position = 0
    var peeked: Token?
    /// The word of the last word token lexed (see `TokenKind.word`).
    var lexedWord: LexedWord?
    /// Here-documents whose bodies start after the next newline token.
    var pendingHereDocuments: [PendingHereDocument] = []
    /// Bodies read so far, keyed by the source offset of their redirection.
    var hereDocumentBodies: [Int: HereDocumentBody] = [:]

    /// Shared with the parsers of inner buffers.
    let scan: ScanState

    static let maximumDepth = 100

    /// What a parse and the parsers of its inner buffers share, mutable from any of them. Its
    /// properties are read and written by one parse at a time, never while another access to the
    /// same one is under way, so they are not checked for exclusive access at run time (the checks
    /// were 5 % of a parse).
    final class ScanState {
        /// Bytes the lexer looked at plus bytes walked to count columns: a measure of the parse's
        /// work that does not depend on the machine's load, so tests can check that it grows
        /// linearly with the input.
        @exclusivity(unchecked) var steps = 0
        /// The location found last, where the next lookup starts.
        @exclusivity(unchecked) var last: LastLocation?

        /// A location found, with its line's offsets when that line is ASCII: most locations asked
        /// for are on the last one's line, and on an ASCII line a column is the offset's distance
        /// from the line's start.
        struct LastLocation {
            var location: SourceLocation
            var asciiLine: Range<Int>?
        }
        /// Words without expansions recur (command names, options, file names): the two words met
        /// last of each pair of slots, so that an equal later word shares their text and parts. No
        /// part of such a word holds a source range, so its parts depend on its bytes alone. Found by
        /// an FNV-1a hash of the bytes, which costs a fraction of a `Dictionary`'s SipHash; one slot
        /// per 16 bytes of text, a power of two from 16 to 4,096 (a short text gets a short table).
        @exclusivity(unchecked) private var knownWords: [KnownWord]

        /// A slot of `knownWords`; empty until a word is kept in it (no word is spelled in no bytes).
        /// A struct, not a tuple: a tuple's type is made at run time, and each start paid for it.
        private struct KnownWord {
            var spelling = ""
            var parts: [WordPart] = []
        }
        /// `[false, …]` by count: the connections of pipelines without `|&`, shared.
        @exclusivity(unchecked) private var unpipedStderr: [[Bool]] = []

        /// The words, redirections and stages of the commands and pipelines being parsed.
        @exclusivity(unchecked) var words = ListStack<Word>()
        @exclusivity(unchecked) var redirections = ListStack<Redirection>()
        @exclusivity(unchecked) var stages = ListStack<Command>()

        init(textSize: Int) {
            var slots = 16
            while slots < 4096, slots * 16 < textSize { slots *= 2 }
            knownWords = Array(repeating: KnownWord(), count: slots)
        }

        /// `parts` and `spelling` of the word written as `bytes`, or the equal ones of a word met
        /// before (equal in bytes: `é` as one scalar and as two are equal Strings, not equal words).
        func shared(
            _ parts: [WordPart], spelledAs spelling: String, bytes: ArraySlice<UInt8>
        ) -> (parts: [WordPart], spelling: String) {
            if parts.contains(where: \.isExpansion) { return (parts, spelling) }
            let pair = slotPair(of: bytes)
            if let known = known(bytes, at: pair) { return known }
            remember(KnownWord(spelling: spelling, parts: parts), at: pair)
            return (parts, spelling)
        }

        /// The parts and spelling of a word of unquoted text alone, `bytes`, or of quotes and
        /// unquoted text with nothing that expands or escapes (`quoted`, see `expansionFreeWordEnd`):
        /// those of an equal word met before, or new ones (then decoded here, and only here).
        func expansionFreeWord(_ bytes: ArraySlice<UInt8>, quoted: Bool) -> (parts: [WordPart], spelling: String) {
            let pair = slotPair(of: bytes)
            if let known = known(bytes, at: pair) { return known }
            let spelling = String(decoding: bytes, as: UTF8.self)
            let word = KnownWord(spelling: spelling, parts: quoted ? Parser.partsOfQuotedWord(bytes) : [.literal(spelling)])
            remember(word, at: pair)
            return (word.parts, spelling)
        }

        private func slotPair(of bytes: ArraySlice<UInt8>) -> Int {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 32)) & (knownWords.count - 2)
        }

        private func known(_ bytes: ArraySlice<UInt8>, at pair: Int) -> (parts: [WordPart], spelling: String)? {
            for slot in pair...pair + 1 {
                let known = knownWords[slot]
                guard known.spelling.utf8.count == bytes.count else { continue }
                let equal = known.spelling.utf8.withContiguousStorageIfAvailable { spelled in
                    bytes.withUnsafeBufferPointer { written in
                        guard let left = spelled.baseAddress, let right = written.baseAddress else { return bytes.isEmpty }
                        return memcmp(left, right, bytes.count) == 0
                    }
                }
                if equal ?? known.spelling.utf8.elementsEqual(bytes) { return (known.parts, known.spelling) }
            }
            return nil
        }

        /// The newer word takes the first slot of the pair, the one it held moves to the second.
        private func remember(_ word: KnownWord, at pair: Int) {
            knownWords[pair + 1] = knownWords[pair]
            knownWords[pair] = word
        }

        /// The `pipeStderr` of a pipeline of `count` connections without `|&`, shared by all of them.
        func unpiped(_ count: Int) -> [Bool] {
            while unpipedStderr.count <= count {
                unpipedStderr.append([Bool](repeating: false, count: unpipedStderr.count))
            }
            return unpipedStderr[count]
        }
    }

    /// A word token's word, and where the token starts (to check that it is the token's).
    struct LexedWord {
        var start: Int
        var word: Word
    }

    /// A construct the parser is inside of, and what it expects next (prose: "`then`").
    struct OpenConstruct {
        var opener: String
        var start: Int
        var expected: String
    }

    init(source: SourceText, fileName: String) {
        self.source = source
        self.fileName = fileName
        self.bytes = source.bytes
        self.offsetMap = .shifted(base: 0, count: source.bytes.count)
        self.isNested = false
        self.depth = 0
        self.scan = ScanState(textSize: source.bytes.count)
    }

    /// A parser for an inner buffer.
    init(nestedIn parent: Parser, bytes: [UInt8], offsetMap: OffsetMap) {
        self.source = parent.source
        self.fileName = parent.fileName
        self.bytes = bytes
        self.offsetMap = offsetMap
        self.isNested = true
        self.depth = parent.depth + 1
        self.aliases = parent.aliases
        self.posix = parent.posix
        self.scan = parent.scan
    }

    /// Parses the buffer as a program up to its end and attaches the
    /// here-document bodies.
    mutating func parseWholeBuffer() throws(ParseError) -> Program {
        var program = try parseSequence(until: .endOfInput).program
        if let pending = pendingHereDocuments.first {
            throw hereDocumentEndedEarly(pending)
        }
        if !hereDocumentBodies.isEmpty {
            program.attachHereDocumentBodies(HereDocumentBodies(hereDocumentBodies))
        }
        return program
    }

    // MARK: Positions

    var atEnd: Bool { position >= bytes.count }

    func byte(at index: Int) -> UInt8? {
        scan.steps += 1
        return index < bytes.count ? bytes[index] : nil
    }

    /// Source offset of a buffer index. Asked for every location (twice a word), so always inlined.
    @inline(__always)
    func sourceOffset(_ index: Int) -> Int {
        offsetMap[index]
    }

    func location(_ index: Int) -> SourceLocation {
        let offset = sourceOffset(index)
        if let last = scan.last, let line = last.asciiLine, line.contains(offset) {
            return SourceLocation(offset: offset, line: last.location.line, column: offset - line.lowerBound + 1)
        }
        let (location, walked) = source.location(at: offset, from: scan.last?.location)
        scan.steps += walked
        scan.last = ScanState.LastLocation(location: location, asciiLine: source.asciiLine(location.line))
        return location
    }

    func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(start: location(start), end: location(end))
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    // MARK: Errors

    /// Builds an error located at buffer index `index`.
    func error(
        _ message: String, at index: Int, incomplete: Bool = false, label: String? = nil, note: String? = nil
    ) -> ParseError {
        let location = location(index)
        return ParseError(
            message: message, fileName: fileName, location: location,
            sourceLine: source.lineText(location.line),
            isIncomplete: incomplete && !isNested, label: label, note: note)
    }

    func unexpected(_ token: Token, note: String? = nil) -> ParseError {
        error("syntax error: unexpected \(displayName(of: token))", at: token.start, note: note)
    }

    func checkDepth(at index: Int) throws(ParseError) {
        if depth >= Parser.maximumDepth {
            throw error("nesting is too deep (more than \(Parser.maximumDepth) levels)", at: index)
        }
    }
}
