/// Turns `Word`s into argument fields, assignment values, redirection targets
/// and here-document text.
///
/// Rules (sh's, with one deliberate difference):
///
/// - Quote removal; `~` and `~user` at the start of a word (from `$HOME` /
///   the password database); parameters; `$(…)` with trailing newlines removed.
/// - Unquoted script text with `*`, `?` or `[…]` is a glob, matched in the
///   context's working directory; no match keeps the word as written.
/// - **Difference from sh** (as in zsh, fish and Oils): the value of a
///   parameter expansion is never split on spaces nor globbed again.
///   `X='a b'; cmd $X` passes one argument, and `X='*'; cmd $X` passes `*`.
/// - The output of an **unquoted command substitution** is split into fields
///   at IFS characters, with POSIX's rules (`for i in $(seq 3)`, `set -- $(date)`),
///   but not globbed (as in zsh).
/// - In a pattern (`case`, `${x#pattern}`), the value of an unquoted expansion
///   is a pattern, as in sh; quoted, it matches literally.
/// - A word made only of unquoted expansions that are all empty is dropped
///   (`cmd $EMPTY` passes nothing); `"$EMPTY"` or `''` keeps an empty field.
/// - `"$@"` gives one field per positional parameter (none when there are
///   none); unquoted `$@` and `$*` do too (empty ones are dropped); `"$*"`
///   joins them with spaces.
public struct WordExpander<Context: ExpansionContext> {
    public var context: Context
    /// Set by every command substitution: the status of the last one, for
    /// `x=$(cmd)` (whose status is the substitution's).
    public private(set) var lastSubstitutionStatus: Int32?
    /// Splitting happens only where fields are made (arguments, `for` words), not in
    /// assignments, redirection targets or patterns (nor in those nested in a field's word:
    /// `${x=$y}`, `${x#$y}`).
    private(set) var splitsSubstitutions = false
    /// Inside `pattern(_:)`: unquoted expansion values keep their wildcards.
    private var expansionsArePatterns = false

    public init(context: Context) {
        self.context = context
    }

    /// Records the status of a command substitution (called by contexts that run them).
    public mutating func noteSubstitutionStatus(_ status: Int32) { lastSubstitutionStatus = status }

    // MARK: Entry points

    /// The argument fields of `words` (command name and arguments).
    public mutating func fields(_ words: [Word]) async throws(ExpansionError) -> [String] {
        var result: [String] = []
        result.reserveCapacity(words.count)
        for word in words {
            result += try await fields(word)
        }
        return result
    }

    /// The fields of one word: zero (an empty unquoted expansion), one, or
    /// many (`"$@"`, a glob).
    public mutating func fields(_ word: Word) async throws(ExpansionError) -> [String] {
        // Fast path: plain unquoted text without glob characters.
        if word.parts.count == 1, case .literal(let text) = word.parts[0],
            context.globbingDisabled || !word.hasUnquotedGlobCharacters
        {
            return [text]
        }
        if let (value, solid) = try immediateValue(word, splitting: context.splitsExpansionValues) {
            return value.isEmpty && !solid ? [] : [value]
        }
        var accumulator = FieldAccumulator()
        splitsSubstitutions = true
        defer { splitsSubstitutions = false }
        try await expand(word.parts, quoted: false, into: &accumulator)
        var result: [String] = []
        for field in accumulator.finish() {
            let text = field.text
            if text.isEmpty && !field.isSolid { continue }
            if field.hasUnquotedText, !context.globbingDisabled,
                field.pieces.contains(where: { !$0.isQuoted }) && field.text.utf8.mayHoldWildcards
            {
                let pattern = GlobPattern(pieces: field.pieces)
                if pattern.hasWildcards {
                    if let matches = pattern.expand(in: context.workingDirectory, fileSystem: context.fileSystem) {
                        result += matches
                    } else {
                        result.append(pattern.literalText)
                    }
                    continue
                }
            }
            result.append(text)
        }
        return result
    }

    /// One string, never dropped, never globbed: assignment values and
    /// redirection targets. `$@` is joined with spaces.
    public mutating func string(_ word: Word) async throws(ExpansionError) -> String {
        if word.parts.count == 1, case .literal(let text) = word.parts[0] { return text }
        if let (value, _) = try immediateValue(word) { return value }
        let splits = splitsSubstitutions
        splitsSubstitutions = false
        defer { splitsSubstitutions = splits }
        var accumulator = FieldAccumulator()
        try await expand(word.parts, quoted: false, into: &accumulator)
        return accumulator.finish().map(\.text).joined(separator: " ")
    }

    /// The value of a word whose expansion cannot suspend nor make more than one field: text
    /// without unquoted wildcards, `$NAME` and `${NAME}` (not `$@`, `$*` or `$!`) and `$((…))`
    /// parsed ahead, in any mix and quoting (most words of a loop are these); nil, before anything
    /// is expanded, for any other word. `solid`: the field stays when empty. Such a value is one
    /// field, never split nor globbed: with `splitting` (POSIX mode's fields), unquoted `$NAME`
    /// and `$((…))` are split, so a word holding them is not such a word.
    ///
    /// Synchronous, so that a command made only of such words needs no task machinery at all.
    mutating func immediateValue(_ word: Word, splitting: Bool = false) throws(ExpansionError) -> (value: String, solid: Bool)? {
        guard word.expandsImmediately(splitting: splitting) else { return nil }
        return try valueOfImmediateWord(word)
    }

    /// `immediateValue(_:splitting:)` of a word that `expandsImmediately` has accepted (a caller
    /// that checks all its words before it expands any need not check each twice).
    mutating func valueOfImmediateWord(_ word: Word) throws(ExpansionError) -> (value: String, solid: Bool) {
        // A word of one part (`fib`, `$1`, `"$n"`) is that part's value, with no string built up.
        if word.parts.count == 1 {
            switch word.parts[0] {
            case .literal(let text), .singleQuoted(let text):
                return (text, true)
            case .parameter(let parameter):
                return (try plainValue(of: parameter), false)
            case .doubleQuoted(let inner) where inner.count == 1:
                if case .parameter(let parameter) = inner[0] { return (try plainValue(of: parameter), true) }
            default:
                break
            }
        }
        var value = ""
        var solid = false
        try appendImmediately(word.parts, to: &value, solid: &solid)
        return (value, solid)
    }

    /// What `expand(_:quoted:into:)` makes of parts that `Word.expandsImmediately` accepts.
    private mutating func appendImmediately(
        _ parts: [WordPart], to value: inout String, solid: inout Bool
    ) throws(ExpansionError) {
        for part in parts {
            switch part {
            case .literal(let text), .singleQuoted(let text):
                value += text
                solid = true
            case .escaped(let character):
                value.append(character)
                solid = true
            case .doubleQuoted(let inner):
                solid = true
                try appendImmediately(inner, to: &value, solid: &solid)
            case .parameter(let parameter):
                value += try plainValue(of: parameter)
            case .arithmetic(let arithmetic):
                guard let expression = arithmetic.expression else { continue }  // excluded by expandsImmediately
                value += String(try evaluate(expression, of: arithmetic, text: ""))
                solid = true
            case .tilde, .commandSubstitution:
                continue  // excluded by expandsImmediately
            }
        }
    }

    /// The body of a here-document (expanded unless its delimiter was quoted).
    public mutating func hereDocument(_ document: HereDocument) async throws(ExpansionError) -> String {
        if document.quoted { return document.text }
        var accumulator = FieldAccumulator()
        try await expand(document.parts, quoted: true, into: &accumulator)
        return accumulator.finish().map(\.text).joined(separator: " ")
    }

    /// A pattern for `${x%pattern}` and friends: unquoted script text is
    /// active, quoted text and expansion values are literal. Inside double
    /// quotes the pattern keeps its own quoting, as in dash: `"${x%\*}"` and
    /// `"${x%'*'}"` match a literal `*`.
    public mutating func pattern(_ word: Word) async throws(ExpansionError) -> GlobPattern {
        expansionsArePatterns = true
        let splits = splitsSubstitutions
        splitsSubstitutions = false
        defer {
            expansionsArePatterns = false
            splitsSubstitutions = splits
        }
        var accumulator = FieldAccumulator()
        for part in word.parts {
            switch part {
            case .literal(let text):
                Self.appendPatternText(text, to: &accumulator)
            default:
                try await expand([part], quoted: false, into: &accumulator)
            }
        }
        return GlobPattern(pieces: accumulator.finish().flatMap(\.pieces))
    }

    /// Pattern text as written: `'…'` and `\c` quote, the rest is active.
    /// (Unquoted words never contain either: the parser made them parts.)
    static func appendPatternText(_ text: String, to accumulator: inout FieldAccumulator) {
        var characters = text.makeIterator()
        var active = ""
        func flush() {
            accumulator.append(active, wildcardsActive: true)
            active = ""
        }
        while let character = characters.next() {
            switch character {
            case "'":
                flush()
                var quoted = ""
                while let next = characters.next(), next != "'" { quoted.append(next) }
                accumulator.append(quoted)
            case "\\":
                flush()
                if let next = characters.next() { accumulator.append(String(next)) }
            default:
                active.append(character)
            }
        }
        flush()
    }

    // MARK: Parts

    mutating func expand(_ parts: [WordPart], quoted: Bool, into fields: inout FieldAccumulator) async throws(ExpansionError) {
        for part in parts {
            switch part {
            case .literal(let text):
                fields.append(text, wildcardsActive: !quoted)
                fields.markSolid()
            case .singleQuoted(let text):
                fields.append(text)
                fields.markSolid()
            case .escaped(let character):
                fields.append(String(character))
                fields.markSolid()
            case .doubleQuoted(let inner):
                if !isEmptyQuotedAt(inner) { fields.markSolid() }
                try await expand(inner, quoted: true, into: &fields)
            case .tilde(let user):
                if let home = context.homeDirectory(ofUser: user) {
                    fields.append(home)
                } else {
                    fields.append("~" + (user ?? ""))
                }
                fields.markSolid()
            case .commandSubstitution(let substitution):
                var output = try await context.substituteCommand(substitution)
                // By scalar: `removeLast()` would take a whole "\r\n" Character.
                while output.unicodeScalars.last == "\n" { output.unicodeScalars.removeLast() }
                if splitsSubstitutions && !quoted && context.splitsSubstitutionOutput {
                    FieldSplitter(ifs: context.variable("IFS")).split(
                        output, into: &fields, wildcardsActive: context.splitsExpansionValues)
                } else {
                    fields.append(output, wildcardsActive: expansionsArePatterns && !quoted)
                    if quoted { fields.markSolid() }
                }
            case .parameter(let parameter):
                try await expandParameter(parameter, quoted: quoted, into: &fields)
            case .arithmetic(let arithmetic):
                let value = String(try await evaluate(arithmetic))
                if !quoted && splitsValues {
                    appendSplitting(value, into: &fields)
                } else {
                    fields.append(value)
                    fields.markSolid()
                }
            }
        }
    }

    /// `"$@"` with no positional parameters produces no field at all.
    private func isEmptyQuotedAt(_ inner: [WordPart]) -> Bool {
        guard context.positionalParameters.isEmpty, !inner.isEmpty else { return false }
        return inner.allSatisfy {
            if case .parameter(let parameter) = $0, parameter.name == "@", parameter.op == nil { return true }
            return false
        }
    }

    mutating func expandParameter(
        _ parameter: ParameterExpansion, quoted: Bool, into fields: inout FieldAccumulator
    ) async throws(ExpansionError) {
        if parameter.op == nil, parameter.name == "@" || (parameter.name == "*" && !quoted),
            context.runTimeStandIn(for: parameter.name) == nil
        {
            // One field per positional parameter (each split in POSIX mode when unquoted).
            let splits = !quoted && splitsValues
            for (index, value) in context.positionalParameters.enumerated() {
                if index > 0 { fields.breakField() }
                if splits { appendSplitting(value, into: &fields); continue }
                fields.append(value)
                if quoted { fields.markSolid() }
            }
            return
        }
        if context.splitsExpansionValues, try await expandChosenWord(of: parameter, quoted: quoted, into: &fields) { return }
        let (value, hadQuotes) = try await evaluate(parameter)
        if !quoted && !hadQuotes && splitsValues {
            appendSplitting(value, into: &fields)
            return
        }
        fields.append(value, wildcardsActive: expansionsArePatterns && !quoted && !hadQuotes)
        if quoted || hadQuotes { fields.markSolid() }
    }
}

// MARK: - Arithmetic

extension WordExpander: ArithmeticVariables {
    public func arithmeticValue(of name: String) -> String? { context.variable(name) }

    public mutating func assignArithmetic(_ name: String, _ value: String) throws(ArithmeticError) {
        if context.isReadOnly(name) { throw ArithmeticError(.variable, "\(name): is read only", at: 0) }
        context.assignVariable(name, value)
    }

    /// `$((…))`: the text expanded as in double quotes (unless it was parsed already), then
    /// evaluated. An error is an expansion error: in a script it ends the shell, as in dash.
    mutating func evaluate(_ arithmetic: ArithmeticExpansion) async throws(ExpansionError) -> Int64 {
        var text = ""
        let expression: ArithmeticExpression
        if let parsed = arithmetic.expression {
            expression = parsed
        } else {
            var inner = FieldAccumulator()
            try await expand(arithmetic.parts, quoted: true, into: &inner)
            text = inner.finish().map(\.text).joined(separator: " ")
            do {
                expression = try ArithmeticParser.parse(text)
            } catch {
                throw ExpansionError(kind: .arithmetic, message: error.diagnostic(in: text), range: arithmetic.range)
            }
        }
        return try evaluate(expression, of: arithmetic, text: text)
    }

    /// Evaluates `expression`, parsed from `arithmetic` (from `text` when it was parsed after expanding).
    mutating func evaluate(
        _ expression: ArithmeticExpression, of arithmetic: ArithmeticExpansion, text: String
    ) throws(ExpansionError) -> Int64 {
        do {
            return try expression.evaluate(&self)
        } catch {
            let shown = arithmetic.expression == nil ? text : arithmetic.parts.map(\.arithmeticText).joined()
            throw ExpansionError(kind: .arithmetic, message: error.diagnostic(in: shown), range: arithmetic.range)
        }
    }
}

extension WordPart {
    /// The text of a part of a static arithmetic expression (literal text only).
    fileprivate var arithmeticText: String {
        switch self {
        case .literal(let text), .singleQuoted(let text): text
        case .escaped(let character): String(character)
        case .doubleQuoted(let parts): parts.map(\.arithmeticText).joined()
        default: ""
        }
    }
}

extension Word {
    /// Whether `WordExpander.immediateValue(_:splitting:)` can expand this word.
    func expandsImmediately(splitting: Bool = false) -> Bool {
        Self.expandImmediately(parts, quoted: false, splitting: splitting)
    }

    private static func expandImmediately(_ parts: [WordPart], quoted: Bool, splitting: Bool) -> Bool {
        parts.allSatisfy { part in
            switch part {
            case .literal(let text): quoted || !text.utf8.mayHoldWildcards
            case .singleQuoted, .escaped: true
            case .doubleQuoted(let inner): expandImmediately(inner, quoted: true, splitting: splitting)
            case .parameter(let parameter):
                (quoted || !splitting) && parameter.op == nil && parameter.name != "@" && parameter.name != "*"
                    && parameter.name != "!"
            case .arithmetic(let arithmetic): (quoted || !splitting) && arithmetic.expression != nil
            case .tilde, .commandSubstitution: false
            }
        }
    }
}
