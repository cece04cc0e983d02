// Recursive-descent parsing of lists, pipelines and commands
// (grammar/cpl.ebnf is the reference; keep the two in step).

/// What ends a sequence of list items.
enum SequenceCloser {
    case endOfInput
    case subshell(open: Int)
    case braceGroup(open: Int)
    case commandSubstitution(open: Int)
    /// One of `words` (reserved words, at the start of a command) ends this part of the
    /// construct that `opener` began at `open` and that `final` ends (`then` after an `if`
    /// condition, `elif`/`else`/`fi` after its body, `done` after `do`…).
    case keyword(_ words: [ReservedWord], opener: ReservedWord, final: ReservedWord, open: Int)
    /// `;;` or `esac` ends a `case` item's list.
    case caseItem(open: Int)
}

extension Parser {
    mutating func skipNewlines() throws(ParseError) {
        while try peek().kind == .newline { try advance() }
    }

    func closes(_ token: Token, _ closer: SequenceCloser) -> Bool {
        switch closer {
        case .endOfInput: token.kind == .endOfInput
        case .subshell, .commandSubstitution: token.op == .rightParen
        case .braceGroup: token.isReservedWord(.closeBrace)
        case .keyword(let words, _, _, _): token.reservedWord.map(words.contains) ?? false
        case .caseItem: token.op == .doubleSemicolon || token.isReservedWord(.esac)
        }
    }

    func unclosed(_ closer: SequenceCloser) -> ParseError {
        switch closer {
        case .endOfInput:
            return error("syntax error: unexpected end of input", at: bytes.count)
        case .subshell(let open):
            return error(
                "unterminated subshell: expected `)`", at: open, incomplete: true,
                label: "opened here", note: "the input ended before the closing `)`")
        case .braceGroup(let open):
            return error(
                "unterminated brace group: expected `}`", at: open, incomplete: true,
                label: "opened here",
                note: "`}` closes a group only as a separate word after `;`, `&` or a newline")
        case .commandSubstitution(let open):
            return error(
                "unterminated command substitution `$(`", at: open, incomplete: true,
                label: "opened here", note: "the input ended before the closing `)`")
        case .keyword(let words, let opener, let final, let open):
            return neverClosed(
                opener.rawValue, by: final.rawValue, at: open, expecting: words.map { "`\($0.rawValue)`" }.joined(separator: " or "))
        case .caseItem(let open):
            return neverClosed("case", by: "esac", at: open, expecting: "`;;` or `esac`")
        }
    }

    /// The note for a closer met where it closes nothing (`}` in `{ if x; then y; }`), when a
    /// construct it could close (one of `openers`) is open further out: what the innermost
    /// construct expects first. Nil when none is open.
    func noteInsideOpenConstruct(closing openers: Set<String>) -> String? {
        guard let inner = openConstructs.last, openConstructs.contains(where: { openers.contains($0.opener) }) else {
            return nil
        }
        let at = location(inner.start)
        return "expected \(inner.expected) for the `\(inner.opener)` at \(at.line):\(at.column) first"
    }

    /// "`if` at 3:1 is never closed by `fi`", pointing at the end of the input. `expected` is
    /// shown as given: words of the syntax in backquotes ("`do`"), anything else without ("a name").
    func neverClosed(_ opener: String, by final: String, at open: Int, expecting expected: String) -> ParseError {
        let at = location(open)
        var error = error(
            "`\(opener)` at \(at.line):\(at.column) is never closed by `\(final)`", at: bytes.count, incomplete: true,
            label: "the input ends here", note: "expected \(expected) for the `\(opener)` at line \(at.line)")
        if bytes.count > 0, location(bytes.count).column == 1, bytes[bytes.count - 1] == UInt8(ascii: "\n") {
            // Point at the end of the last line rather than at an empty line after it.
            error.location = location(bytes.count - 1)
            error.sourceLine = source.lineText(error.location.line)
        }
        return error
    }

    /// `{ linebreak and_or [separator] }` up to the closer, which is peeked
    /// but not consumed and is returned with the program.
    mutating func parseSequence(until closer: SequenceCloser) throws(ParseError) -> (program: Program, closer: Token) {
        let start = position
        var items: [ListItem] = []
        while true {
            try skipNewlines()
            let token = try peek()
            if closes(token, closer) {
                return (Program(items: items, range: range(start, token.start)), token)
            }
            if token.kind == .endOfInput { throw unclosed(closer) }
            let andOr = try parseAndOr()
            let next = try peek()
            var terminator = ListTerminator.sequential
            var itemRange = andOr.range
            switch next.kind {
            case .op(.semicolon), .op(.ampersand), .op(.detach):
                try advance()
                terminator =
                    next.op == .ampersand ? .background : next.op == .detach ? .detached : .sequential
                itemRange.end = location(next.end)
            case .newline, .endOfInput:
                break
            default:
                if next.op == .leftParen {
                    throw unexpected(
                        next, note: "`(` starts a subshell only where a command starts; a function is defined as `name() { …; }`")
                }
                if next.op == .doubleSemicolon, !closes(next, closer) {
                    throw unexpected(
                        next, note: noteInsideOpenConstruct(closing: ["case"])
                            ?? "`;;` ends an item of a `case … esac`, and none is open here")
                }
                if !closes(next, closer) {
                    throw unexpected(next, note: next.op == .rightParen ? noteInsideOpenConstruct(closing: ["(", "$("]) : nil)
                }
            }
            items.append(ListItem(andOr: andOr, terminator: terminator, range: itemRange))
        }
    }

    /// `pipeline { ('&&' | '||') linebreak pipeline }`.
    mutating func parseAndOr() throws(ParseError) -> AndOrList {
        let first = try parsePipeline(after: nil)
        var rest: [AndOrList.Element] = []
        while let op = try peek().op, op == .andIf || op == .orIf {
            let opToken = try advance()
            try skipNewlines()
            let pipeline = try parsePipeline(after: opToken)
            rest.append(AndOrList.Element(op: op == .andIf ? .and : .or, pipeline: pipeline))
        }
        return AndOrList(first: first, rest: rest)
    }

    /// `['!'] command { ('|' | '|&') linebreak command }`. `after` is the
    /// operator that requires this pipeline (for "must be followed by" errors).
    mutating func parsePipeline(after: Token?) throws(ParseError) -> Pipeline {
        var bang: Token?
        if try peek().isReservedWord(.bang) {
            bang = try advance()
        }
        let base = scan.stages.count
        let first = try parseCommand(after: bang ?? after)
        scan.stages.append(first)
        // Built only once a `|&` is met: without one, the connections are a shared array of falses.
        var pipeStderr: [Bool]?
        while let op = try peek().op, op == .pipe || op == .pipeBoth {
            let pipeToken = try advance()
            try skipNewlines()
            let stage = try parseCommand(after: pipeToken)
            scan.stages.append(stage)
            if op == .pipeBoth, pipeStderr == nil { pipeStderr = Array(repeating: false, count: scan.stages.count - base - 2) }
            pipeStderr?.append(op == .pipeBoth)
        }
        let stages = scan.stages.removeList(from: base)
        let start = bang.map { location($0.start) } ?? first.range.start
        return Pipeline(
            negated: bang != nil, stages: stages, pipeStderr: pipeStderr ?? scan.unpiped(stages.count - 1),
            range: SourceRange(start: start, end: stages[stages.count - 1].range.end))
    }

    /// How a token that needs a command after it is written, for messages.
    func spelling(of token: Token) -> String {
        switch token.kind {
        case .op(let op): op.rawValue
        case .word: text(token.start, token.end)
        default: displayName(of: token)
        }
    }

    mutating func parseCommand(after: Token?) throws(ParseError) -> Command {
        wordAfterBlankAlias = nil
        try expandAliases()
        let token = try peek()
        switch token.kind {
        case .op(.leftParen):
            return .subshell(try parseGroup(brace: false))
        case .word where token.isReservedWord(.openBrace):
            return .braceGroup(try parseGroup(brace: true))
        case .word where token.reservedWord != nil:
            if let compound = try parseCompoundCommandIfPresent() { return .compound(compound) }
            throw misplacedReservedWord(token)
        case .word, .ioNumber:
            let simple = try parseSimpleCommand()
            if try peek().op == .leftParen, let name = functionName(simple) {
                return .functionDefinition(try parseFunctionDefinition(name: name, nameRange: simple.range))
            }
            return .simple(simple)
        case .op(let op) where op.redirection != nil:
            return .simple(try parseSimpleCommand())
        case .endOfInput, .newline:
            if let after {
                throw error(
                    "`\(spelling(of: after))` must be followed by a command", at: after.start,
                    incomplete: token.kind == .endOfInput)
            }
            throw unexpected(token)
        default:
            throw unexpected(token, note: token.op == .rightParen ? noteInsideOpenConstruct(closing: ["(", "$("]) : nil)
        }
    }

    /// `( list )` or `{ list }`, then redirections.
    mutating func parseGroup(brace: Bool) throws(ParseError) -> GroupCommand {
        let open = try advance()
        try checkDepth(at: open.start)
        depth += 1
        defer { depth -= 1 }
        let closer: SequenceCloser = brace ? .braceGroup(open: open.start) : .subshell(open: open.start)
        openConstructs.append(OpenConstruct(opener: brace ? "{" : "(", start: open.start, expected: brace ? "`}`" : "`)`"))
        defer { openConstructs.removeLast() }
        let (body, close) = try parseSequence(until: closer)
        if body.items.isEmpty {
            throw unexpected(
                close, note: brace ? "a brace group needs at least one command" : "a subshell needs at least one command")
        }
        try advance()
        var redirections: [Redirection] = []
        while let redirection = try parseRedirectionIfPresent() {
            redirections.append(redirection)
        }
        let end = redirections.last?.range.end ?? location(close.end)
        return GroupCommand(body: body, redirections: redirections, range: SourceRange(start: location(open.start), end: end))
    }

    /// Assignments, words and redirections in any order (assignments only
    /// before the first word).
    mutating func parseSimpleCommand() throws(ParseError) -> SimpleCommand {
        var assignments: [Assignment] = []
        let wordsBase = scan.words.count
        let redirectionsBase = scan.redirections.count
        // Peeked first: `location(try peek().start)` would copy the whole parser for the call, as
        // `location` reads `self` while `peek` is still to change it.
        let first = try peek().start
        let start = location(first)
        var end = start
        // The command word may be an alias after the assignments, and so may the word after an
        // alias whose text ends in a blank.
        var checksAlias = false
        while true {
            if checksAlias {
                checksAlias = false
                try expandAliases()
            }
            try expandAliasAfterBlankAlias()
            let token = try peek()
            if case .word = token.kind {
                let word = try advanceWord()
                end = word.range.end
                if scan.words.count == wordsBase, let assignment = assignment(from: word, token: token) {
                    assignments.append(assignment)
                    checksAlias = true
                } else if posix {
                    scan.words.append(word)
                } else {
                    word.appendBraceExpanded(to: &scan.words)
                }
            } else if let redirection = try parseRedirectionIfPresent() {
                end = redirection.range.end
                scan.redirections.append(redirection)
            } else {
                break
            }
        }
        wordAfterBlankAlias = nil
        return SimpleCommand(
            assignments: assignments, words: scan.words.removeList(from: wordsBase),
            redirections: scan.redirections.removeList(from: redirectionsBase), range: SourceRange(start: start, end: end))
    }

    /// `[n]op word` if the next token starts a redirection.
    mutating func parseRedirectionIfPresent() throws(ParseError) -> Redirection? {
        let first = try peek()
        var fd: Int?
        switch first.kind {
        case .ioNumber(let number):
            fd = number
            try advance()
        case .op(let op) where op.redirection != nil:
            break
        default:
            return nil
        }
        let opToken = try advance()
        guard let op = opToken.op?.redirection else { throw unexpected(opToken) }
        let target = try peek()
        guard case .word = target.kind else {
            if op.isHereDocument {
                throw error("expected a here-document delimiter after `\(op.rawValue)`", at: opToken.start)
            }
            throw error("expected a word after `\(op.rawValue)`", at: opToken.start)
        }
        let word = try advanceWord()
        let redirectionRange = range(first.start, target.end)
        if op.isHereDocument {
            // dash reads `<<$(a)` as `<<$` and an unexpected `(`: refuse it rather than guess.
            if Parser.holdsUnquotedSubstitution(word.parts) {
                throw error(
                    "syntax error: a here-document delimiter cannot hold an unquoted `$(…)` or `$((…))`",
                    at: target.start, note: "quote the delimiter (`<<\"$(a)\"`) to take it as text")
            }
            let (delimiter, quoted) = Parser.hereDocumentDelimiter(Array(bytes[target.start..<target.end]))
            pendingHereDocuments.append(
                PendingHereDocument(
                    key: sourceOffset(first.start), operatorIndex: opToken.start, delimiter: delimiter,
                    quoted: quoted, stripTabs: op == .hereDocumentStrippingTabs))
            let placeholder = HereDocument(
                delimiter: delimiter, quoted: quoted, stripTabs: op == .hereDocumentStrippingTabs,
                text: "", parts: [], bodyRange: redirectionRange)
            return Redirection(fd: fd, op: op, target: .hereDocument(placeholder), range: redirectionRange)
        }
        return Redirection(fd: fd, op: op, target: .word(word), range: redirectionRange)
    }

    /// Whether `parts` hold a `$(…)` or `$((…))` outside double quotes (in `${a:-$(b)}` too).
    static func holdsUnquotedSubstitution(_ parts: [WordPart]) -> Bool {
        parts.contains { part in
            switch part {
            case .commandSubstitution(let substitution): !substitution.backquoted
            case .arithmetic: true
            case .parameter(let expansion):
                [expansion.argument, expansion.replacement].contains { $0.map { holdsUnquotedSubstitution($0.parts) } ?? false }
            case .literal, .singleQuoted, .doubleQuoted, .escaped, .tilde: false
            }
        }
    }
}
