/// Operators recognised by the lexer (longest match wins).
enum OperatorToken: String, Sendable, Equatable {
    case pipe = "|"
    case pipeBoth = "|&"
    case orIf = "||"
    case ampersand = "&"
    case andIf = "&&"
    case detach = "&!"
    case semicolon = ";"
    case doubleSemicolon = ";;"
    case leftParen = "("
    case rightParen = ")"
    case less = "<"
    case great = ">"
    case doubleGreat = ">>"
    case clobber = ">|"
    case lessGreat = "<>"
    case greatAnd = ">&"
    case lessAnd = "<&"
    case doubleLess = "<<"
    case doubleLessDash = "<<-"
    case tripleLess = "<<<"
    case andGreat = "&>"
    case andDoubleGreat = "&>>"

    var redirection: RedirectionOperator? {
        switch self {
        case .less: .input
        case .great: .output
        case .doubleGreat: .append
        case .clobber: .clobber
        case .lessGreat: .readWrite
        case .greatAnd: .duplicateOutput
        case .lessAnd: .duplicateInput
        case .doubleLess: .hereDocument
        case .doubleLessDash: .hereDocumentStrippingTabs
        case .tripleLess: .hereString
        case .andGreat: .outputAndError
        case .andDoubleGreat: .appendOutputAndError
        default: nil
        }
    }
}

/// A word that is reserved where a command may start, when written whole and unquoted.
enum ReservedWord: String, Sendable, Equatable, CaseIterable {
    case bang = "!", openBrace = "{", closeBrace = "}"
    case `case`, `do`, done, elif, `else`, esac, fi, `for`, `if`, `in`, then, until, `while`

    /// Each reserved word with its spelling's bytes packed into an integer (none is longer than
    /// eight), compared as one.
    private struct Entry {
        let key: UInt64
        let word: ReservedWord
    }

    private static let entries = allCases.map { Entry(key: key(of: $0.rawValue.utf8), word: $0) }
    private static let longestSpelling = allCases.map(\.rawValue.utf8.count).max() ?? 0

    private static func key(of bytes: some Collection<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The reserved word that `spelling`, the whole unquoted text of a word, is. Asked of every
    /// word, so compared as integers (`init(rawValue:)` compared strings with all sixteen, a
    /// seventh of a parse).
    init?(spelling: some Collection<UInt8>) {
        guard spelling.count <= Self.longestSpelling else { return nil }
        let key = Self.key(of: spelling)
        guard let entry = Self.entries.first(where: { $0.key == key }) else { return nil }
        self = entry.word
    }
}

/// What a token is. A word token carries no word: lexing one leaves it in the parser's
/// `lexedWord` until the next token is lexed (in the token, it cost an allocation per word, and
/// every copy of a token a reference count).
enum TokenKind: Sendable, Equatable {
    /// `reserved`: the reserved word it spells, if any (whole and unquoted).
    case word(reserved: ReservedWord?)
    /// Digits written immediately before `<` or `>` (`2>f`).
    case ioNumber(Int)
    case op(OperatorToken)
    case newline
    case endOfInput
}

/// A token; `start`/`end` are offsets in the buffer being scanned.
struct Token: Sendable, Equatable {
    var kind: TokenKind
    var start: Int
    var end: Int

    var op: OperatorToken? {
        if case .op(let op) = kind { return op }
        return nil
    }

    /// `{`, `}`, `!`, `if`… written as a whole unquoted word.
    func isReservedWord(_ word: ReservedWord) -> Bool {
        reservedWord == word
    }

    /// The POSIX reserved words (they are reserved only where a command may start).
    static let reservedWords = Set(ReservedWord.allCases.map(\.rawValue))

    /// The reserved word this token spells, if it is one (whole and unquoted).
    var reservedWord: ReservedWord? {
        if case .word(let reserved) = kind { return reserved }
        return nil
    }
}
