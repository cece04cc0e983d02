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

    /// The reserved word that `spelling`, the whole unquoted text of a word, is. Asked of every
    /// word, so the bytes (at most five) are packed into an integer after a 1 (which keeps a
    /// leading NUL byte from vanishing), big-endian, and that is matched: `init(rawValue:)`
    /// compared strings with all sixteen, a seventh of a parse, and a table of packed spellings
    /// was made at every start. The tests check each value against the word's spelling.
    init?(spelling: some Collection<UInt8>) {
        guard spelling.count <= 5 else { return nil }
        switch spelling.reduce(1 as UInt64, { $0 << 8 | UInt64($1) }) {
        case 0x1_21: self = .bang
        case 0x1_7b: self = .openBrace
        case 0x1_7d: self = .closeBrace
        case 0x1_63_61_73_65: self = .case
        case 0x1_64_6f: self = .do
        case 0x1_64_6f_6e_65: self = .done
        case 0x1_65_6c_69_66: self = .elif
        case 0x1_65_6c_73_65: self = .else
        case 0x1_65_73_61_63: self = .esac
        case 0x1_66_69: self = .fi
        case 0x1_66_6f_72: self = .for
        case 0x1_69_66: self = .if
        case 0x1_69_6e: self = .in
        case 0x1_74_68_65_6e: self = .then
        case 0x1_75_6e_74_69_6c: self = .until
        case 0x1_77_68_69_6c_65: self = .while
        default: return nil
        }
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
