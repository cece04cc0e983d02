// Tokenisation. The parser asks for one token at a time (`peek`/`advance`);
// every token is lexed exactly once, because lexing has effects: a `$(…)`
// inside a word is parsed on the spot, and lexing a newline reads the bodies
// of the here-documents started on that line.
//
// Lexical rules:
// - Blanks are spaces and tabs. Backslash-newline is removed everywhere
//   except inside single quotes, comments and quoted here-document bodies.
// - `#` starts a comment only where a token could start; it runs to the end
//   of the line (the newline is a token).
// - Operators, longest match first: `|| |& | && &>> &> &! & ;; ; ( )
//   <<< <<- << <& <> < >> >& >| >`. In POSIX mode `|&`, `&>`, `&>>`, `&!` and `<<<` are not
//   operators: their first character is one on its own (`a &> f` is `a &` then `> f`).
// - Everything else up to an unquoted blank or one of `| & ; < > ( )` or a
//   newline is one word. Digits forming a whole unquoted word directly
//   followed by `<` or `>` are an IO number (`2>f`; but `\2>f` is a word).

extension Parser {
    mutating func peek() throws(ParseError) -> Token {
        if let peeked { return peeked }
        let token = try lexToken()
        peeked = token
        return token
    }

    @discardableResult
    mutating func advance() throws(ParseError) -> Token {
        guard let token = peeked.take() else { return try lexToken() }
        return token
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Bytes that end an unquoted word.
    static func isMetacharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"),
            UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ";"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
            true
        default:
            false
        }
    }

    /// Skips a backslash-newline at `position`, if there is one. At the very
    /// end of the input that is an (incomplete) error: the line continues.
    mutating func skipLineContinuation() throws(ParseError) -> Bool {
        guard byte(at: position) == UInt8(ascii: "\\"), byte(at: position + 1) == UInt8(ascii: "\n") else {
            return false
        }
        if position + 2 >= bytes.count {
            throw error(
                "unexpected end of input after a line continuation", at: position, incomplete: true,
                label: "this backslash continues the line")
        }
        position += 2
        return true
    }

    mutating func skipBlanksAndComments() throws(ParseError) {
        while let byte = byte(at: position) {
            if Parser.isBlank(byte) {
                position += 1
            } else if try skipLineContinuation() {
                continue
            } else if byte == UInt8(ascii: "#") {
                while let next = self.byte(at: position), next != UInt8(ascii: "\n") { position += 1 }
            } else {
                return
            }
        }
    }

    mutating func lexToken() throws(ParseError) -> Token {
        try skipBlanksAndComments()
        let start = position
        guard let first = byte(at: position) else {
            return Token(kind: .endOfInput, start: start, end: start)
        }
        if first == UInt8(ascii: "\n") {
            position += 1
            if !pendingHereDocuments.isEmpty {
                try readPendingHereDocuments()
            }
            return Token(kind: .newline, start: start, end: start + 1)
        }
        if let op = lexOperator() {
            return Token(kind: .op(op), start: start, end: position)
        }
        return try lexWordToken()
    }

    /// Matches an operator at `position` and moves past it.
    mutating func lexOperator() -> OperatorToken? {
        guard let first = byte(at: position) else { return nil }
        let second = byte(at: position + 1)
        let third = byte(at: position + 2)
        func take(_ count: Int, _ op: OperatorToken) -> OperatorToken {
            position += count
            return op
        }
        switch first {
        case UInt8(ascii: "|"):
            if second == UInt8(ascii: "|") { return take(2, .orIf) }
            if second == UInt8(ascii: "&"), !posix { return take(2, .pipeBoth) }
            return take(1, .pipe)
        case UInt8(ascii: "&"):
            if second == UInt8(ascii: "&") { return take(2, .andIf) }
            if second == UInt8(ascii: ">"), !posix {
                return third == UInt8(ascii: ">") ? take(3, .andDoubleGreat) : take(2, .andGreat)
            }
            if second == UInt8(ascii: "!"), !posix { return take(2, .detach) }
            return take(1, .ampersand)
        case UInt8(ascii: ";"):
            return second == UInt8(ascii: ";") ? take(2, .doubleSemicolon) : take(1, .semicolon)
        case UInt8(ascii: "("):
            return take(1, .leftParen)
        case UInt8(ascii: ")"):
            return take(1, .rightParen)
        case UInt8(ascii: "<"):
            if second == UInt8(ascii: "<") {
                if third == UInt8(ascii: "<"), !posix { return take(3, .tripleLess) }
                if third == UInt8(ascii: "-") { return take(3, .doubleLessDash) }
                return take(2, .doubleLess)
            }
            if second == UInt8(ascii: "&") { return take(2, .lessAnd) }
            if second == UInt8(ascii: ">") { return take(2, .lessGreat) }
            return take(1, .less)
        case UInt8(ascii: ">"):
            if second == UInt8(ascii: ">") { return take(2, .doubleGreat) }
            if second == UInt8(ascii: "&") { return take(2, .greatAnd) }
            if second == UInt8(ascii: "|") { return take(2, .clobber) }
            return take(1, .great)
        default:
            return nil
        }
    }

    mutating func lexWordToken() throws(ParseError) -> Token {
        let start = position
        if let (end, quoted) = expansionFreeWordEnd() {
            position = end
            let (parts, spelling) = scan.expansionFreeWord(bytes[start..<end], quoted: quoted)
            let word = Word(parts: parts, range: range(start, end), sourceText: spelling)
            return lexed(word, reserved: quoted ? nil : ReservedWord(spelling: bytes[start..<end]), start: start, end: end)
        }
        let parts = try scanWord(context: .word)
        let end = position
        if parts.count == 1, case .literal(let digits) = parts[0],
            let next = byte(at: end), next == UInt8(ascii: "<") || next == UInt8(ascii: ">"),
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            guard digits.utf8.count <= 9, let number = Int(digits), number <= Int(Int32.max) else {
                throw error("file descriptor number `\(digits)` is too large", at: start)
            }
            return Token(kind: .ioNumber(number), start: start, end: end)
        }
        // A word of one literal part: share that string rather than decode it again.
        let sourceText: String
        if parts.count == 1, case .literal(let literal) = parts[0], literal.utf8.count == end - start {
            sourceText = literal
        } else {
            sourceText = text(start, end)
        }
        let shared = scan.shared(parts, spelledAs: sourceText, bytes: bytes[start..<end])
        var reserved: ReservedWord?
        if parts.count == 1, case .literal(let text) = parts[0] { reserved = ReservedWord(spelling: text.utf8) }
        let word = Word(parts: shared.parts, range: range(start, end), sourceText: shared.spelling)
        return lexed(word, reserved: reserved, start: start, end: end)
    }

    /// The token of a word just lexed, which is kept in `lexedWord`.
    private mutating func lexed(_ word: Word, reserved: ReservedWord?, start: Int, end: Int) -> Token {
        lexedWord = LexedWord(start: start, word: word)
        return Token(kind: .word(reserved: reserved), start: start, end: end)
    }

    /// The word of the word token `token`, the one lexed last (peeked, or just advanced past).
    func word(of token: Token) -> Word {
        Self.word(of: token, in: lexedWord)
    }

    /// Moves past the peeked token, a word token, and gives its word (moved out, not copied).
    mutating func advanceWord() throws(ParseError) -> Word {
        let token = try advance()
        return Self.word(of: token, in: lexedWord.take())
    }

    private static func word(of token: Token, in lexed: consuming LexedWord?) -> Word {
        guard let lexed, lexed.start == token.start, case .word = token.kind else {
            preconditionFailure("the word of a token other than the one lexed last")
        }
        return lexed.word
    }

    /// How a token is named in "unexpected …" messages.
    func displayName(of token: Token) -> String {
        switch token.kind {
        case .word(let reserved):
            reserved.map { "`\($0.rawValue)`" } ?? "word `\(text(token.start, token.end))`"
        case .ioNumber(let number): "`\(number)`"
        case .op(let op): "`\(op.rawValue)`"
        case .newline: "newline"
        case .endOfInput: "end of input"
        }
    }

    /// `$`, a backquote or a backslash: what makes a word's parts more than its quotes.
    private static func expandsOrEscapes(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "$") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "\\")
    }

    /// The parts of a word that `quotedWordEnd` accepts, as `scanWord` makes them: each run of
    /// unquoted text one `.literal`, `'…'` a `.singleQuoted`, `"…"` a `.doubleQuoted` of one
    /// `.literal` (of none when empty).
    static func partsOfQuotedWord(_ bytes: ArraySlice<UInt8>) -> [WordPart] {
        var parts: [WordPart] = []
        var unquoted = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let quote = bytes[index]
            guard quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                index += 1
                continue
            }
            if unquoted < index { parts.append(.literal(String(decoding: bytes[unquoted..<index], as: UTF8.self))) }
            let close = bytes[(index + 1)...].firstIndex(of: quote) ?? bytes.endIndex
            let text = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
            parts.append(quote == UInt8(ascii: "'") ? .singleQuoted(text) : .doubleQuoted(text.isEmpty ? [] : [.literal(text)]))
            index = min(close + 1, bytes.endIndex)
            unquoted = index
        }
        if unquoted < index { parts.append(.literal(String(decoding: bytes[unquoted..<index], as: UTF8.self))) }
        return parts
    }

    /// Where the word token at `position` ends when nothing in it expands or escapes: unquoted
    /// text and quotes alone (`ls`, `-l`, `"%s"`, `'a b'`, `--x="y"`), with no `$`, backquote or
    /// backslash (so no line continuation), no tilde prefix, and not an IO number; nil for any
    /// other word. Most words of a script are such, and their parts follow from their bytes
    /// (`partsOfQuotedWord`, or one literal when `quoted` is false), so they need no scan into
    /// parts and equal ones share them. With a quote a word is neither reserved nor an IO number.
    func expansionFreeWordEnd() -> (end: Int, quoted: Bool)? {
        var quoted = false
        let end: Int? = bytes.withUnsafeBufferPointer { buffer in
            var index = position
            var digitsOnly = true
            while index < buffer.count {
                let byte = buffer[index]
                if Parser.isMetacharacter(byte) { break }
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""):
                    var close = index + 1
                    while close < buffer.count, buffer[close] != byte {
                        if byte == UInt8(ascii: "\""), Parser.expandsOrEscapes(buffer[close]) { return nil }
                        close += 1
                    }
                    guard close < buffer.count else { return nil }
                    quoted = true
                    index = close
                case UInt8(ascii: "~") where index == position:
                    return nil
                default:
                    if Parser.expandsOrEscapes(byte) { return nil }
                    digitsOnly = digitsOnly && Parser.isDigit(byte)
                }
                index += 1
            }
            if index == position { return nil }
            if !quoted, digitsOnly, index < buffer.count, buffer[index] == UInt8(ascii: "<") || buffer[index] == UInt8(ascii: ">") {
                return nil
            }
            return index
        }
        guard let end else { return nil }
        scan.steps += end - position + 1
        return (end, quoted)
    }
}
