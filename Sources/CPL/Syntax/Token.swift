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

enum TokenKind: Sendable, Equatable {
    indirect case word(Word)
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

    /// How the token is named in "unexpected …" messages.
    var displayName: String {
        switch kind {
        case .word(let word):
            reservedWord != nil ? "`\(word.sourceText)`" : "word `\(word.sourceText)`"
        case .ioNumber(let number): "`\(number)`"
        case .op(let op): "`\(op.rawValue)`"
        case .newline: "newline"
        case .endOfInput: "end of input"
        }
    }

    var op: OperatorToken? {
        if case .op(let op) = kind { return op }
        return nil
    }

    /// `{`, `}`, `!`, `if`… written as a whole unquoted word.
    func isReservedWord(_ text: String) -> Bool {
        guard case .word(let word) = kind, word.sourceText == text, word.parts.count == 1,
            case .literal(let literal) = word.parts[0]
        else { return false }
        return literal == text
    }

    /// The POSIX reserved words (they are reserved only where a command may start).
    static let reservedWords: Set<String> = [
        "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while",
    ]

    /// Longer words are not looked up (most words of a script are, and hashing them is not free).
    static let longestReservedWord = reservedWords.map(\.utf8.count).max() ?? 0

    /// The reserved word this token spells, if it is one (whole and unquoted).
    var reservedWord: String? {
        guard case .word(let word) = kind, word.parts.count == 1, case .literal(let text) = word.parts[0],
            text.utf8.count <= Token.longestReservedWord, Token.reservedWords.contains(text)
        else { return nil }
        return text
    }
}
