// `$NAME`, `${…}`, `$(…)` and backquotes. Nothing is evaluated here; the
// forms are recorded in the AST. A `$` not followed by a name, a digit, a
// special parameter character, `{` or `(` is a literal `$`.

extension Parser {
    static func isSpecialParameter(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return "?!$#@*-".utf8.contains(byte)
    }

    /// An expansion at `position` (which holds `$`), or nil for a literal `$`
    /// (then `position` is unchanged).
    mutating func scanDollar(inDoubleQuotes: Bool) throws(ParseError) -> WordPart? {
        let dollar = position
        guard let next = byte(at: dollar + 1) else { return nil }
        if next == UInt8(ascii: "{") {
            return .parameter(try scanBracedParameter(inDoubleQuotes: inDoubleQuotes))
        }
        if next == UInt8(ascii: "(") {
            if byte(at: dollar + 2) == UInt8(ascii: "(") {
                return .arithmetic(try scanArithmetic())
            }
            return .commandSubstitution(try scanCommandSubstitution())
        }
        // A backslash-newline is removed before anything else, so `$\<newline>?` is `$?` and a
        // name may go on over one (as in dash).
        let nameStart = afterLineContinuations(dollar + 1)
        guard let first = byte(at: nameStart) else { return nil }
        var end = nameStart + 1
        var nameEnd = end
        var length = 1
        if Parser.isNameStart(first) {
            end = afterLineContinuations(end)
            while let byte = byte(at: end), Parser.isNameCharacter(byte) {
                length += 1
                nameEnd = end + 1
                end = afterLineContinuations(nameEnd)
            }
        } else if !Parser.isDigit(first) && !Parser.isSpecialParameter(first) {
            return nil
        }
        position = end
        // The name is one run of the buffer unless a line continuation splits it.
        let name =
            nameEnd - nameStart == length
            ? text(nameStart, nameEnd)
            : String(decoding: bytes[nameStart..<nameEnd].filter { Parser.isNameCharacter($0) }, as: UTF8.self)
        return .parameter(ParameterExpansion(name: name, braced: false, range: range(dollar, end)))
    }

    /// `index`, or the index after the backslash-newlines that start there (a trailing one at
    /// the very end of the input is left, to be reported as an unfinished line).
    func afterLineContinuations(_ index: Int) -> Int {
        var index = index
        while byte(at: index) == UInt8(ascii: "\\"), byte(at: index + 1) == UInt8(ascii: "\n"), index + 2 < bytes.count {
            index += 2
        }
        return index
    }

    /// `${…}` at `position`.
    mutating func scanBracedParameter(inDoubleQuotes: Bool) throws(ParseError) -> ParameterExpansion {
        let open = position
        func unterminated() -> ParseError { unterminatedParameter(at: open) }
        func bad(_ index: Int) -> ParseError {
            guard index < bytes.count else { return unterminated() }
            let (found, _) = character(at: index)
            let shown = found == "\n" ? "newline" : "`\(found)`"
            return error("bad substitution: unexpected \(shown) in `${…}`", at: index)
        }
        try checkDepth(at: open)
        depth += 1
        defer { depth -= 1 }
        var index = open + 2
        guard let first = byte(at: index) else { throw unterminated() }
        var isLength = false
        if first == UInt8(ascii: "#") {
            let second = byte(at: index + 1)
            if Parser.isNameStart(second) || Parser.isDigit(second)
                || (Parser.isSpecialParameter(second) && byte(at: index + 2) == UInt8(ascii: "}"))
            {
                isLength = true
                index += 1
            }
        }
        let nameStart = index
        guard let nameFirst = byte(at: index) else { throw unterminated() }
        if Parser.isNameStart(nameFirst) {
            while Parser.isNameCharacter(byte(at: index)) { index += 1 }
        } else if Parser.isDigit(nameFirst) {
            while Parser.isDigit(byte(at: index)) { index += 1 }
        } else if Parser.isSpecialParameter(nameFirst) {
            index += 1
        } else {
            throw bad(index)
        }
        let name = text(nameStart, index)
        guard let after = byte(at: index) else { throw unterminated() }
        if after == UInt8(ascii: "}") {
            position = index + 1
            return ParameterExpansion(
                name: name, op: isLength ? .length : nil, braced: true, range: range(open, position))
        }
        if isLength { throw bad(index) }

        var op: ParameterOperator
        func plain(_ byte: UInt8?, colon: Bool) -> ParameterOperator? {
            switch byte {
            case UInt8(ascii: "-"): .useDefault(colon: colon)
            case UInt8(ascii: "="): .assignDefault(colon: colon)
            case UInt8(ascii: "+"): .useAlternative(colon: colon)
            case UInt8(ascii: "?"): .errorIfUnset(colon: colon)
            default: nil
            }
        }
        if after == UInt8(ascii: ":") {
            guard index + 1 < bytes.count else { throw unterminated() }
            guard let found = plain(byte(at: index + 1), colon: true) else { throw bad(index + 1) }
            op = found
            index += 2
        } else if let found = plain(after, colon: false) {
            op = found
            index += 1
        } else if after == UInt8(ascii: "%") {
            let doubled = byte(at: index + 1) == UInt8(ascii: "%")
            op = doubled ? .removeLargestSuffix : .removeSmallestSuffix
            index += doubled ? 2 : 1
        } else if after == UInt8(ascii: "#") {
            let doubled = byte(at: index + 1) == UInt8(ascii: "#")
            op = doubled ? .removeLargestPrefix : .removeSmallestPrefix
            index += doubled ? 2 : 1
        } else if after == UInt8(ascii: "/") {
            position = index + 1
            return try scanReplacement(name: name, open: open, inDoubleQuotes: inDoubleQuotes)
        } else {
            throw bad(index)
        }

        position = index
        let argumentStart = position
        let parts =
            inDoubleQuotes
            ? try scanQuoted(context: .parameterArgumentInDoubleQuotes)
            : try scanWord(context: .parameterArgument)
        guard byte(at: position) == UInt8(ascii: "}") else { throw unterminated() }
        let argument = Word(
            parts: parts, range: range(argumentStart, position), sourceText: text(argumentStart, position))
        position += 1
        return ParameterExpansion(name: name, op: op, argument: argument, braced: true, range: range(open, position))
    }

    /// The rest of `${NAME/pattern/replacement}` (bash), from just after the first `/`: `//`, `/#`
    /// and `/%` choose every match, the start, the end; the pattern ends at the first unquoted `/`
    /// (`\/` is a slash in it), the replacement at the `}`.
    private mutating func scanReplacement(name: String, open: Int, inDoubleQuotes: Bool) throws(ParseError) -> ParameterExpansion {
        var all = false
        var anchor: ReplacementAnchor?
        switch byte(at: position) {
        case UInt8(ascii: "/"): all = true
        case UInt8(ascii: "#"): anchor = .start
        case UInt8(ascii: "%"): anchor = .end
        default: position -= 1
        }
        position += 1
        func word(_ context: UnquotedContext, _ quoted: QuotedContext) throws(ParseError) -> Word {
            let start = position
            let parts = inDoubleQuotes ? try scanQuoted(context: quoted) : try scanWord(context: context)
            guard byte(at: position) != nil else { throw unterminatedParameter(at: open) }
            return Word(parts: parts, range: range(start, position), sourceText: text(start, position))
        }
        let pattern = try word(.replacementPattern, .replacementPatternInDoubleQuotes)
        var replacement: Word?
        if byte(at: position) == UInt8(ascii: "/") {
            position += 1
            replacement = try word(.parameterArgument, .parameterArgumentInDoubleQuotes)
        }
        position += 1  // the `}`
        return ParameterExpansion(
            name: name, op: .replace(all: all, anchor: anchor), argument: pattern, replacement: replacement, braced: true,
            range: range(open, position))
    }

    func unterminatedParameter(at open: Int) -> ParseError {
        error(
            "unterminated parameter expansion `${`", at: open, incomplete: true,
            label: "opened here", note: "the input ended before the closing `}`")
    }

    /// `$(…)` at `position`: the content is parsed as a program, in place.
    mutating func scanCommandSubstitution() throws(ParseError) -> CommandSubstitution {
        let open = position
        try checkDepth(at: open)
        position += 2
        depth += 1
        defer { depth -= 1 }
        // Here-documents started before the `$(` are read after the outer
        // line ends, not at a newline inside the substitution (as in sh).
        let outerPending = pendingHereDocuments
        pendingHereDocuments = []
        openConstructs.append(OpenConstruct(opener: "$(", start: open, expected: "`)`"))
        defer { openConstructs.removeLast() }
        let (program, _) = try parseSequence(until: .commandSubstitution(open: open))
        if let pending = pendingHereDocuments.first {
            throw error(
                "here-document `\(pending.delimiter)` has no body before the end of the command substitution",
                at: pending.operatorIndex, label: "here-document starts here",
                note: "inside `$(…)`, the body starts on the line after `<<` and must end before the `)`")
        }
        pendingHereDocuments = outerPending
        try advance()  // the `)`
        return CommandSubstitution(program: program, backquoted: false, range: range(open, position))
    }

    /// `` `…` `` at `position`. Inside, backslash escapes `$`, `` ` ``, `\`
    /// (and `"` when the backquotes are inside double quotes); the unescaped
    /// text is parsed as a program of its own.
    mutating func scanBackquote(inDoubleQuotes: Bool) throws(ParseError) -> WordPart {
        let open = position
        var inner: [UInt8] = []
        var map: [Int] = []
        var index = open + 1
        while true {
            guard let byte = byte(at: index) else {
                throw error(
                    "unterminated backquote", at: open, incomplete: true,
                    label: "opened here", note: "the input ended before the closing backquote")
            }
            if byte == UInt8(ascii: "`") { break }
            if byte == UInt8(ascii: "\\"), let next = self.byte(at: index + 1),
                next == UInt8(ascii: "$") || next == UInt8(ascii: "`") || next == UInt8(ascii: "\\")
                    || (inDoubleQuotes && next == UInt8(ascii: "\""))
            {
                inner.append(next)
                map.append(sourceOffset(index + 1))
                index += 2
                continue
            }
            inner.append(byte)
            map.append(sourceOffset(index))
            index += 1
        }
        map.append(sourceOffset(index))
        position = index + 1
        try checkDepth(at: open)
        var nested = Parser(nestedIn: self, bytes: inner, offsetMap: .table(map))
        let program = try nested.parseWholeBuffer()
        return .commandSubstitution(
            CommandSubstitution(program: program, backquoted: true, range: range(open, position)))
    }

    /// `$((…))` at `position`. An expression without expansions is parsed now, so that its
    /// syntax errors are reported before anything runs.
    mutating func scanArithmetic() throws(ParseError) -> ArithmeticExpansion {
        let open = position
        position += 3
        let start = position
        let parts = try scanQuoted(context: .arithmetic)
        guard byte(at: position) == UInt8(ascii: ")"), byte(at: position + 1) == UInt8(ascii: ")") else {
            if position >= bytes.count {
                throw error(
                    "unterminated arithmetic expansion `$((`", at: open, incomplete: true, label: "opened here",
                    note: "the input ended before the closing `))`")
            }
            throw error(
                "arithmetic expansion `$((` is closed by a single `)`", at: position, label: "expected `))`",
                note: "for a command substitution starting with a subshell, write `$( (…) )`")
        }
        let end = position
        position += 2
        var expression: ArithmeticExpression?
        if let text = Word(parts: parts, range: range(start, end), sourceText: "").staticText {
            do {
                expression = try ArithmeticParser.parse(text)
            } catch {
                let exact = parts.count <= 1
                throw self.error(
                    "arithmetic syntax error: \(error.message)", at: exact ? start + min(error.offset, end - start) : start,
                    label: exact ? nil : "in this expression")
            }
        }
        return ArithmeticExpansion(parts: parts, expression: expression, range: range(open, position))
    }
}
