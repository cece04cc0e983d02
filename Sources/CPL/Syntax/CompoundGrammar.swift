// Recursive-descent parsing of the compound commands (`if`, `while`, `until`, `for`, `case`)
// and of function definitions. Reserved words are recognised only where a command may start,
// and as `in`/`do` in the places the `for` and `case` grammar names them (grammar/cpl.ebnf).

extension Parser {
    /// The special builtins (and `local`): dash refuses them as function names ("Bad function name").
    static let unfunctionableNames: Set<String> = [
        ":", ".", "break", "continue", "eval", "exec", "exit", "export", "local", "readonly", "return", "set",
        "shift", "times", "trap", "unset",
    ]

    /// `if`, `while`, `until`, `for` or `case` at the next token, parsed with its redirections.
    mutating func parseCompoundCommandIfPresent() throws(ParseError) -> CompoundCommand? {
        let keyword = try peek()
        let body: CompoundCommand.Body
        let end: Int
        switch keyword.reservedWord {
        case .if: (body, end) = try parseIf()
        case .while, .until: (body, end) = try parseLoop()
        case .for: (body, end) = try parseFor()
        case .case: (body, end) = try parseCase()
        default: return nil
        }
        var redirections: [Redirection] = []
        while let redirection = try parseRedirectionIfPresent() {
            redirections.append(redirection)
        }
        let rangeEnd = redirections.last?.range.end ?? location(end)
        return CompoundCommand(
            body: body, redirections: redirections, range: SourceRange(start: location(keyword.start), end: rangeEnd))
    }

    /// A reserved word where a command should start that opens nothing: `fi` without `if`…
    func misplacedReservedWord(_ token: Token) -> ParseError {
        let word = token.reservedWord?.rawValue ?? ""
        let (openers, note): (Set<String>, String?) =
            switch token.reservedWord {
            case .then, .elif, .else, .fi: (["if"], "`\(word)` belongs to an `if … fi` and no `if` is open here")
            case .do, .done:
                (["while", "until", "for"], "`\(word)` belongs to a `while`, `until` or `for` loop and no loop is open here")
            case .esac, .in: (["case"], "`\(word)` belongs to a `case … esac` and none is open here")
            case .closeBrace: (["{"], "no `{` is open here")
            default: ([], nil)
            }
        return unexpected(token, note: noteInsideOpenConstruct(closing: openers) ?? note)
    }

    /// Parses a list up to one of `words` (reserved) and consumes that word; an empty list is an error.
    private mutating func parseList(
        until words: [ReservedWord], opener: ReservedWord, final: ReservedWord, open: Int
    ) throws(ParseError) -> (Program, Token) {
        try checkDepth(at: open)
        depth += 1
        defer { depth -= 1 }
        openConstructs.append(
            OpenConstruct(opener: opener.rawValue, start: open, expected: words.map { "`\($0.rawValue)`" }.joined(separator: " or ")))
        defer { openConstructs.removeLast() }
        let (program, closer) = try parseSequence(until: .keyword(words, opener: opener, final: final, open: open))
        if program.items.isEmpty {
            throw unexpected(closer, note: "a command list is needed before `\(closer.reservedWord?.rawValue ?? "")`")
        }
        try advance()
        return (program, closer)
    }

    /// `if LIST then LIST { elif LIST then LIST } [ else LIST ] fi`.
    private mutating func parseIf() throws(ParseError) -> (CompoundCommand.Body, Int) {
        let open = try advance().start
        var branches: [IfClause.Branch] = []
        var elseBody: Program?
        var closer: Token
        repeat {
            let (condition, _) = try parseList(until: [.then], opener: .if, final: .fi, open: open)
            let body: Program
            (body, closer) = try parseList(until: [.elif, .else, .fi], opener: .if, final: .fi, open: open)
            branches.append(IfClause.Branch(condition: condition, body: body))
        } while closer.isReservedWord(.elif)
        if closer.isReservedWord(.else) {
            (elseBody, closer) = try parseList(until: [.fi], opener: .if, final: .fi, open: open)
        }
        return (.ifClause(IfClause(branches: branches, elseBody: elseBody)), closer.end)
    }

    /// `while LIST do LIST done`, `until LIST do LIST done`.
    private mutating func parseLoop() throws(ParseError) -> (CompoundCommand.Body, Int) {
        let keyword = try advance()
        let name = keyword.reservedWord ?? .while
        let (condition, _) = try parseList(until: [.do], opener: name, final: .done, open: keyword.start)
        let (body, closer) = try parseList(until: [.done], opener: name, final: .done, open: keyword.start)
        return (.loop(LoopClause(isUntil: name == .until, condition: condition, body: body)), closer.end)
    }

    /// `for NAME [linebreak in WORDS… (';' | newline)] linebreak do LIST done`, also `for NAME; do`.
    private mutating func parseFor() throws(ParseError) -> (CompoundCommand.Body, Int) {
        let open = try advance().start
        let nameToken = try peek()
        guard case .word = nameToken.kind, case let nameWord = word(of: nameToken), let name = nameWord.staticText,
            Parser.isName(name), nameWord.parts == [.literal(name)]
        else {
            if nameToken.kind == .endOfInput { throw neverClosed("for", by: "done", at: open, expecting: "a name") }
            throw error(
                "`for` needs a variable name, not \(displayName(of: nameToken))", at: nameToken.start,
                note: "for example: for file in *.txt; do …; done")
        }
        try advance()
        var words: [Word]?
        try skipNewlines()
        if try peek().isReservedWord(.in) {
            try advance()
            let base = scan.words.count
            while case .word = try peek().kind {
                let word = try advanceWord()
                if posix { scan.words.append(word) } else { word.appendBraceExpanded(to: &scan.words) }
            }
            words = scan.words.removeList(from: base)
            let separator = try peek()
            switch separator.kind {
            case .op(.semicolon), .newline: try advance()
            case .endOfInput: throw neverClosed("for", by: "done", at: open, expecting: "`do`")
            default:
                throw unexpected(separator, note: "the words of `for … in` end at `;` or a newline, before `do`")
            }
        } else if try peek().op == .semicolon {
            try advance()
        }
        try skipNewlines()
        let doToken = try peek()
        guard doToken.isReservedWord(.do) else {
            if doToken.kind == .endOfInput { throw neverClosed("for", by: "done", at: open, expecting: "`do`") }
            throw unexpected(doToken, note: "expected `do` to start the body of the `for` loop")
        }
        try advance()
        let (body, closer) = try parseList(until: [.done], opener: .for, final: .done, open: open)
        return (.forLoop(ForClause(name: name, words: words, body: body)), closer.end)
    }

    /// `case WORD linebreak in linebreak { ['('] PATTERN { '|' PATTERN } ')' LIST [';;'] } esac`.
    private mutating func parseCase() throws(ParseError) -> (CompoundCommand.Body, Int) {
        let open = try advance().start
        let subjectToken = try peek()
        guard case .word = subjectToken.kind else {
            if subjectToken.kind == .endOfInput { throw neverClosed("case", by: "esac", at: open, expecting: "a word") }
            throw error("`case` needs a word to match, not \(displayName(of: subjectToken))", at: subjectToken.start)
        }
        let subject = try advanceWord()
        try skipNewlines()
        let inToken = try peek()
        guard inToken.isReservedWord(.in) else {
            if inToken.kind == .endOfInput { throw neverClosed("case", by: "esac", at: open, expecting: "`in`") }
            throw unexpected(inToken, note: "expected `in` after the word of `case`")
        }
        try advance()
        try checkDepth(at: open)
        depth += 1
        defer { depth -= 1 }
        var items: [CaseClause.Item] = []
        while true {
            try skipNewlines()
            var token = try peek()
            if token.isReservedWord(.esac) {
                try advance()
                return (.caseClause(CaseClause(word: subject, items: items)), token.end)
            }
            let itemStart = token.start
            if token.op == .leftParen {
                try advance()
                token = try peek()
            }
            var patterns: [Word] = []
            while true {
                guard case .word = token.kind else {
                    if token.kind == .endOfInput { throw neverClosed("case", by: "esac", at: open, expecting: "a pattern") }
                    throw unexpected(token, note: "a `case` item starts with a pattern, e.g. `*.txt)`")
                }
                patterns.append(try advanceWord())
                token = try peek()
                guard token.op == .pipe else { break }
                try advance()
                token = try peek()
            }
            guard token.op == .rightParen else {
                if token.kind == .endOfInput { throw neverClosed("case", by: "esac", at: open, expecting: "`)`") }
                throw unexpected(token, note: "a `case` pattern ends with `)`; alternatives are separated by `|`")
            }
            try advance()
            openConstructs.append(OpenConstruct(opener: "case", start: open, expected: "`;;` or `esac`"))
            let (body, closer) = try parseSequence(until: .caseItem(open: open))
            openConstructs.removeLast()
            let itemEnd = body.items.last?.range.end ?? location(token.end)
            items.append(CaseClause.Item(patterns: patterns, body: body, range: SourceRange(start: location(itemStart), end: itemEnd)))
            if closer.op == .doubleSemicolon { try advance() }
        }
    }

    /// The function name a simple command spells when `(` follows it: one plain word, nothing else.
    func functionName(_ command: SimpleCommand) -> String? {
        guard command.assignments.isEmpty, command.redirections.isEmpty, command.words.count == 1,
            let name = command.words[0].staticText, command.words[0].parts == [.literal(name)]
        else { return nil }
        return name
    }

    /// `NAME ( ) linebreak compound-command`, the `(` next.
    mutating func parseFunctionDefinition(name: String, nameRange: SourceRange) throws(ParseError) -> FunctionDefinition {
        let paren = try advance()
        guard Parser.isName(name), !Parser.unfunctionableNames.contains(name) else {
            throw error(
                "`\(name)` cannot be a function name", at: sourceIndex(of: nameRange),
                note: Parser.isName(name)
                    ? "`\(name)` is a special builtin" : "a function name is letters, digits and `_`, not starting with a digit")
        }
        let close = try peek()
        guard close.op == .rightParen else {
            throw unexpected(close, note: "a function is defined as `\(name)() { …; }`")
        }
        try advance()
        try skipNewlines()
        let bodyToken = try peek()
        let body: Command
        switch bodyToken.kind {
        case .op(.leftParen):
            body = .subshell(try parseGroup(brace: false))
        case .word where bodyToken.isReservedWord(.openBrace):
            body = .braceGroup(try parseGroup(brace: true))
        case .word where bodyToken.reservedWord != nil:
            guard let compound = try parseCompoundCommandIfPresent() else { throw misplacedReservedWord(bodyToken) }
            body = .compound(compound)
        case .endOfInput:
            throw error(
                "the function `\(name)` has no body", at: paren.start, incomplete: true,
                note: "a function is defined as `\(name)() { …; }`")
        default:
            throw unexpected(bodyToken, note: "a function body is a compound command: `{ …; }`, `( … )`, `if`, `while`, `for` or `case`")
        }
        return FunctionDefinition(name: name, body: body, range: SourceRange(start: nameRange.start, end: body.range.end))
    }

    /// The buffer index of a range's start (ranges hold source locations).
    func sourceIndex(of range: SourceRange) -> Int {
        offsetMap.bufferIndex(atOrAfter: range.start.offset)
    }

    static func isName(_ text: some StringProtocol) -> Bool { text.utf8.withBytes(isName(bytes:)) }

    private static func isName(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, isNameStart(first) else { return false }
        return bytes.allSatisfy { isNameCharacter($0) }
    }
}
