/// A shell word: adjacent pieces (`a'b'"c$X"`) joined into one.
///
/// Quoting is recorded per piece so the expander can tell, for every
/// character, whether it was quoted:
///
/// - `.literal` at the top level of a word is **unquoted** text (subject to
///   field splitting of expansions and to globbing of `*`, `?`, `[`).
/// - `.singleQuoted`, `.escaped` and everything nested inside
///   `.doubleQuoted` are quoted. Inside `.doubleQuoted` (and in here-document
///   bodies) `.literal` means plain quoted text.
/// - The argument word of `${X:-word}` inside double quotes follows the
///   double-quote rules, so its `.literal` text is quoted as well.
public struct Word: Sendable, Equatable {
    public var parts: [WordPart]
    public var range: SourceRange
    /// The word exactly as written (a slice of the source). For a word inside
    /// backquotes it is the text after the backquote unescaping.
    public var sourceText: String

    public init(parts: [WordPart], range: SourceRange, sourceText: String) {
        self.parts = parts
        self.range = range
        self.sourceText = sourceText
    }
}

/// The expansions are boxed (`indirect`): inline they would make every part, most of which are
/// plain text, several times larger.
public enum WordPart: Sendable, Equatable {
    /// Text as written without quotes (see `Word` for what "quoted" means
    /// when this is nested in `.doubleQuoted`).
    case literal(String)
    /// `'text'`: the text between the quotes, taken literally.
    case singleQuoted(String)
    /// `"…"`: literal text, escapes, parameter expansions and command
    /// substitutions, all quoted.
    case doubleQuoted([WordPart])
    /// A backslash-escaped character (`\*`): quoted. Backslash-newline is
    /// removed by the lexer and never appears.
    case escaped(Character)
    /// `$NAME`, `${NAME…}`, `$1`, `$?`…
    indirect case parameter(ParameterExpansion)
    /// `$(…)` or the same between backquotes.
    indirect case commandSubstitution(CommandSubstitution)
    /// `$((…))`.
    indirect case arithmetic(ArithmeticExpansion)
    /// `~` (user nil) or `~user` at the start of an unquoted word, or at the
    /// start of an assignment value or after an unquoted `:` in it. The `/`
    /// that ends the prefix is part of the following `.literal`. If `user`
    /// does not exist the expander should produce `~user` unchanged.
    case tilde(user: String?)
}

/// What follows the parameter name inside `${…}`.
public enum ParameterOperator: Sendable, Equatable, Hashable {
    /// `${#NAME}`: length of the value. No argument.
    case length
    /// `${N:-w}` (colon: unset or empty) / `${N-w}` (unset only).
    case useDefault(colon: Bool)
    /// `${N:=w}` / `${N=w}`.
    case assignDefault(colon: Bool)
    /// `${N:+w}` / `${N+w}`.
    case useAlternative(colon: Bool)
    /// `${N:?w}` / `${N?w}`.
    case errorIfUnset(colon: Bool)
    /// `${N%w}`.
    case removeSmallestSuffix
    /// `${N%%w}`.
    case removeLargestSuffix
    /// `${N#w}`.
    case removeSmallestPrefix
    /// `${N##w}`.
    case removeLargestPrefix
    /// `${N/pattern/replacement}` (bash): the first match (`all`: `//`, every match; `anchor`:
    /// `/#` at the start, `/%` at the end). The pattern is the argument.
    case replace(all: Bool, anchor: ReplacementAnchor?)

    /// The operator as written (`:-`, `##`, …; `#` before the name for length).
    public var symbol: String {
        switch self {
        case .length: "#"
        case .useDefault(let colon): colon ? ":-" : "-"
        case .assignDefault(let colon): colon ? ":=" : "="
        case .useAlternative(let colon): colon ? ":+" : "+"
        case .errorIfUnset(let colon): colon ? ":?" : "?"
        case .removeSmallestSuffix: "%"
        case .removeLargestSuffix: "%%"
        case .removeSmallestPrefix: "#"
        case .removeLargestPrefix: "##"
        case .replace(let all, let anchor): all ? "//" : anchor == .start ? "/#" : anchor == .end ? "/%" : "/"
        }
    }
}

/// Where `${N/#p/r}` and `${N/%p/r}` must match.
public enum ReplacementAnchor: Sendable, Equatable, Hashable {
    case start, end
}

/// A parameter expansion. Not evaluated by the parser.
public struct ParameterExpansion: Sendable, Equatable {
    /// A variable name (`HOME`), a positional parameter (`1`, `10`) or a
    /// special parameter (`?`, `!`, `$`, `#`, `@`, `*`, `-`, `0`).
    public var name: String
    /// nil for `$NAME` and `${NAME}`.
    public var op: ParameterOperator?
    /// The word after the operator (may have no parts). nil when `op` is nil
    /// or `.length`.
    public var argument: Word?
    /// The replacement of `${N/pattern/replacement}`; nil when there is no `/replacement` (the
    /// match is deleted) or for another operator.
    public var replacement: Word?
    /// Written with braces.
    public var braced: Bool
    public var range: SourceRange

    public init(
        name: String, op: ParameterOperator? = nil, argument: Word? = nil, replacement: Word? = nil, braced: Bool,
        range: SourceRange
    ) {
        self.name = name
        self.op = op
        self.argument = argument
        self.replacement = replacement
        self.braced = braced
        self.range = range
    }

    /// Positional parameter number (`$1` → 1, `${10}` → 10; `$0` → 0).
    public var positionalIndex: Int? {
        guard let first = name.unicodeScalars.first, ("0"..."9").contains(first) else { return nil }
        return Int(name)
    }

    /// One of `? ! $ # @ * -`.
    public var isSpecial: Bool {
        name.count == 1 && "?!$#@*-".contains(name)
    }
}

/// `$((expression))`. The text between the parentheses is expanded as inside double quotes
/// (parameters, `$(…)`), then evaluated as POSIX shell arithmetic.
public struct ArithmeticExpansion: Sendable, Equatable {
    /// The expression's text as parts (`.literal` runs, `.escaped`, `.parameter`, …).
    public var parts: [WordPart]
    /// Parsed once, when the text has no expansions (`$((i + 1))`); else parsed after expanding.
    public var expression: ArithmeticExpression?
    /// From `$((` to `))`.
    public var range: SourceRange

    public init(parts: [WordPart], expression: ArithmeticExpression?, range: SourceRange) {
        self.parts = parts
        self.expression = expression
        self.range = range
    }
}

/// `$(program)` or the same between backquotes, parsed in full.
public struct CommandSubstitution: Sendable, Equatable {
    public var program: Program
    public var backquoted: Bool
    /// From `$(` / the opening backquote to the closing `)` / backquote.
    public var range: SourceRange

    public init(program: Program, backquoted: Bool, range: SourceRange) {
        self.program = program
        self.backquoted = backquoted
        self.range = range
    }
}

// MARK: - Conveniences for the expander and planner

extension WordPart {
    /// True for parts whose value is computed at expansion time.
    public var isExpansion: Bool {
        switch self {
        case .parameter, .commandSubstitution, .tilde, .arithmetic: true
        case .doubleQuoted(let inner): inner.contains { $0.isExpansion }
        case .literal, .singleQuoted, .escaped: false
        }
    }
}

extension Word {
    /// Whether any part is quoted or escaped (what makes a here-document
    /// delimiter "quoted").
    public var isQuoted: Bool {
        parts.contains {
            switch $0 {
            case .singleQuoted, .doubleQuoted, .escaped: true
            default: false
            }
        }
    }

    /// Whether the word contains an expansion (parameter, command
    /// substitution, tilde).
    public var hasExpansions: Bool { parts.contains { $0.isExpansion } }

    /// The value after quote removal, when the word has no expansions
    /// (`a'b'"c"\d` → `abcd`); nil otherwise.
    public var staticText: String? {
        var result = ""
        func add(_ parts: [WordPart]) -> Bool {
            for part in parts {
                switch part {
                case .literal(let text), .singleQuoted(let text): result += text
                case .escaped(let character): result.append(character)
                case .doubleQuoted(let inner): if !add(inner) { return false }
                case .parameter, .commandSubstitution, .tilde, .arithmetic: return false
                }
            }
            return true
        }
        return add(parts) ? result : nil
    }

    /// Whether an unquoted `*`, `?` or `[` occurs (a cheap pre-check before
    /// building a glob pattern).
    public var hasUnquotedGlobCharacters: Bool {
        parts.contains {
            if case .literal(let text) = $0 { return text.utf8.mayHoldWildcards }
            return false
        }
    }
}

// The parser and the executor ask these of most words: they read the bytes in place.
extension String.UTF8View {
    /// A cheap test before building a glob pattern: `*`, `?`, or a `[` with a `]` after it (a
    /// lone `[`, the `test` command, is no wildcard).
    var mayHoldWildcards: Bool { withBytes(Self.mayHoldWildcards) }

    private static func mayHoldWildcards(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawBracket = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "?"): return true
            case UInt8(ascii: "["): sawBracket = true
            case UInt8(ascii: "]") where sawBracket: return true
            default: continue
            }
        }
        return false
    }
}
