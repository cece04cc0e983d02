import Glibc

/// dash's `test` (and `[`): POSIX's rules for three and four operands, then dash's grammar
///
///     or      ::= and ( "-o" or )?
///     and     ::= not ( "-a" and )?
///     not     ::= "!" not | primary
///     primary ::= "(" or ")" | unary-operator operand | operand binary-operator operand | operand
///
/// evaluated as dash does: every operand of `-a` and `-o` is evaluated (so a bad number on
/// either side is an error), an operator where an operand is due is read as a string, and
/// strings compare as bytes (strcmp).
public enum TestExpression {
    /// The status of `test ARGUMENTS`: 0 true, 1 false, 2 with dash's message (without its
    /// `test: ` prefix) on bad use. `arguments` are the words after `test`.
    public static func evaluate(
        _ arguments: [String], files: some TestFileQueries
    ) -> (status: Int32, message: String?) {
        var evaluation = TestEvaluation(words: arguments.map(\.cStringBytes), files: files)
        do {
            return (try evaluation.status(), nil)
        } catch {
            return (2, error.message)
        }
    }

    /// The status of `[ ARGUMENTS`: the last word must start with `]` (dash looks at its first
    /// byte only, so `]x` closes too) and is dropped; without it: 2, `missing ]`.
    public static func evaluate(
        bracketed arguments: [String], files: some TestFileQueries
    ) -> (status: Int32, message: String?) {
        guard let last = arguments.last, last.cStringBytes.first == UInt8(ascii: "]") else { return (2, "missing ]") }
        return evaluate(Array(arguments.dropLast()), files: files)
    }

    /// `A -lt B` and the other integer comparisons of two plain decimal numbers, the test of most
    /// loops, without the general evaluation's byte arrays; nil for anything else (`bracketed`:
    /// the words end with `]`). The general rules give the same answer for these words.
    public static func integerComparison(_ arguments: ArraySlice<String>, bracketed: Bool) -> Int32? {
        let first = arguments.startIndex
        guard arguments.count == (bracketed ? 4 : 3), !bracketed || arguments[first + 3] == "]",
            let lhs = plainInteger(arguments[first]), let rhs = plainInteger(arguments[first + 2])
        else { return nil }
        let holds: Bool
        switch arguments[first + 1] {
        case "-lt": holds = lhs < rhs
        case "-le": holds = lhs <= rhs
        case "-gt": holds = lhs > rhs
        case "-ge": holds = lhs >= rhs
        case "-eq": holds = lhs == rhs
        case "-ne": holds = lhs != rhs
        default: return nil
        }
        return holds ? 0 : 1
    }

    /// An optional `-` and 1 to 18 ASCII digits (so no overflow); nil for anything else.
    private static func plainInteger(_ word: String) -> Int64? { word.utf8.withBytes(plainInteger) }

    private static func plainInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard (1...18).contains(digits.count) else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }
}

struct TestSyntaxError: Error {
    let message: String

    /// dash's syntax(): `OPERATOR: MESSAGE`, or just the message when there is no word to name.
    init(_ word: [UInt8]?, _ message: String) {
        if let word, !word.isEmpty {
            self.message = "\(String(losslessBytes: word)): \(message)"
        } else {
            self.message = message
        }
    }
}

private enum UnaryTest {
    case readable, writable, executable, exists, regularFile, directory, characterDevice, blockDevice, fifo, socket
    case symbolicLink, setUserID, setGroupID, sticky, nonEmptyFile, terminal, emptyString, nonEmptyString
    case ownedByUser, ownedByGroup
}

private enum BinaryTest {
    case equal, notEqual, less, greater
    case integerEqual, integerNotEqual, integerGreaterOrEqual, integerGreater, integerLessOrEqual, integerLess
    case newer, older, sameFile
}

private enum TestOperator: Equatable {
    case unary(UnaryTest)
    case binary(BinaryTest)
    case not, and, or, leftParenthesis, rightParenthesis

    static let named: [[UInt8]: TestOperator] = {
        let table: [(String, TestOperator)] = [
            ("-r", .unary(.readable)), ("-w", .unary(.writable)), ("-x", .unary(.executable)),
            ("-e", .unary(.exists)), ("-f", .unary(.regularFile)), ("-d", .unary(.directory)),
            ("-c", .unary(.characterDevice)), ("-b", .unary(.blockDevice)), ("-p", .unary(.fifo)),
            ("-u", .unary(.setUserID)), ("-g", .unary(.setGroupID)), ("-k", .unary(.sticky)),
            ("-s", .unary(.nonEmptyFile)), ("-t", .unary(.terminal)), ("-z", .unary(.emptyString)),
            ("-n", .unary(.nonEmptyString)), ("-h", .unary(.symbolicLink)), ("-O", .unary(.ownedByUser)),
            ("-G", .unary(.ownedByGroup)), ("-L", .unary(.symbolicLink)), ("-S", .unary(.socket)),
            ("=", .binary(.equal)), ("!=", .binary(.notEqual)), ("<", .binary(.less)), (">", .binary(.greater)),
            ("-eq", .binary(.integerEqual)), ("-ne", .binary(.integerNotEqual)),
            ("-ge", .binary(.integerGreaterOrEqual)), ("-gt", .binary(.integerGreater)),
            ("-le", .binary(.integerLessOrEqual)), ("-lt", .binary(.integerLess)),
            ("-nt", .binary(.newer)), ("-ot", .binary(.older)), ("-ef", .binary(.sameFile)),
            ("!", .not), ("-a", .and), ("-o", .or), ("(", .leftParenthesis), (")", .rightParenthesis),
        ]
        return Dictionary(uniqueKeysWithValues: table.map { (Array($0.0.utf8), $0.1) })
    }()

    var isUnary: Bool {
        if case .unary = self { return true }
        return false
    }

    var isBinary: Bool {
        if case .binary = self { return true }
        return false
    }
}

/// A word as the grammar sees it where it stands.
private enum TestToken: Equatable {
    case end
    case operand
    case `operator`(TestOperator)
}

/// One evaluation, walking `words` as dash walks its argv (`position` is its t_wp).
private struct TestEvaluation<Files: TestFileQueries> {
    var words: [[UInt8]]
    let files: Files
    private var position = 0

    init(words: [[UInt8]], files: Files) {
        self.words = words
        self.files = files
    }

    mutating func status() throws(TestSyntaxError) -> Int32 {
        var status: Int32 = 1
        var first: TestToken
        while true {
            if words.isEmpty { return status }
            if words.count == 3, TestOperator.named[words[1]]?.isBinary == true {
                first = .operand
                break
            }
            if words.count == 3 || words.count == 4 {
                if TestOperator.named[words[0]] == .leftParenthesis,
                    TestOperator.named[words[words.count - 1]] == .rightParenthesis
                {
                    words.removeFirst()
                    words.removeLast()
                } else if TestOperator.named[words[0]] == .not {
                    // As in dash: a leading `!` sets the result to "inverted" (a second one does not undo it).
                    status = 0
                    words.removeFirst()
                    continue
                }
            }
            first = token(at: 0)
            break
        }
        if try or(first) { status ^= 1 }
        if position + 1 < words.count { throw TestSyntaxError(words[position], "unexpected operator") }
        return status
    }

    /// dash's t_lex: an operator unless it is a unary one followed by what makes it an operand, or
    /// a `(` at the end.
    private func token(at index: Int) -> TestToken {
        guard index < words.count else { return .end }
        if let op = TestOperator.named[words[index]], !(op.isUnary && isOperand(at: index)),
            !(op == .leftParenthesis && index + 1 == words.count)
        {
            return .operator(op)
        }
        return .operand
    }

    /// Whether a unary operator at `index` is a plain word: it is last, or a binary operator
    /// follows it with an operand after that.
    private func isOperand(at index: Int) -> Bool {
        guard index + 1 < words.count else { return true }
        guard index + 2 < words.count else { return false }
        return TestOperator.named[words[index + 1]]?.isBinary == true
    }

    private mutating func or(_ first: TestToken) throws(TestSyntaxError) -> Bool {
        var result = false
        var next = first
        while true {
            let operand = try and(next)
            result = result || operand
            guard token(at: position + 1) == .operator(.or) else { return result }
            position += 2
            next = token(at: position)
        }
    }

    private mutating func and(_ first: TestToken) throws(TestSyntaxError) -> Bool {
        var result = true
        var next = first
        while true {
            let operand = try not(next)
            result = result && operand
            guard token(at: position + 1) == .operator(.and) else { return result }
            position += 2
            next = token(at: position)
        }
    }

    private mutating func not(_ current: TestToken) throws(TestSyntaxError) -> Bool {
        guard current == .operator(.not) else { return try primary(current) }
        let next = token(at: position + 1)
        if next != .end { position += 1 }
        return try !not(next)
    }

    private mutating func primary(_ current: TestToken) throws(TestSyntaxError) -> Bool {
        switch current {
        case .end:
            return false
        case .operator(.leftParenthesis):
            position += 1
            let inner = token(at: position)
            if inner == .operator(.rightParenthesis) { return false }
            let result = try or(inner)
            position += 1
            guard token(at: position) == .operator(.rightParenthesis) else {
                throw TestSyntaxError(nil, "closing paren expected")
            }
            return result
        case .operator(.unary(let test)):
            let name = words[position]
            position += 1
            guard position < words.count else { throw TestSyntaxError(name, "argument expected") }
            return try unary(test, words[position])
        default:
            if case .operator(.binary(let test)) = token(at: position + 1) { return try binary(test) }
            return !words[position].isEmpty
        }
    }

    private mutating func binary(_ test: BinaryTest) throws(TestSyntaxError) -> Bool {
        let left = words[position]
        let name = words[position + 1]
        position += 2
        guard position < words.count else { throw TestSyntaxError(name, "argument expected") }
        let right = words[position]
        switch test {
        case .equal: return left == right
        case .notEqual: return left != right
        case .less: return left.lexicographicallyPrecedes(right)
        case .greater: return right.lexicographicallyPrecedes(left)
        case .integerEqual: return try Self.integer(left) == Self.integer(right)
        case .integerNotEqual: return try Self.integer(left) != Self.integer(right)
        case .integerGreaterOrEqual: return try Self.integer(left) >= Self.integer(right)
        case .integerGreater: return try Self.integer(left) > Self.integer(right)
        case .integerLessOrEqual: return try Self.integer(left) <= Self.integer(right)
        case .integerLess: return try Self.integer(left) < Self.integer(right)
        case .newer, .older, .sameFile:
            guard let left = status(left, followingSymlinks: true), let right = status(right, followingSymlinks: true)
            else { return false }
            switch test {
            case .newer: return left.modified > right.modified
            case .older: return left.modified < right.modified
            default: return left.device == right.device && left.inode == right.inode
            }
        }
    }

    private func unary(_ test: UnaryTest, _ operand: [UInt8]) throws(TestSyntaxError) -> Bool {
        switch test {
        case .emptyString: return operand.isEmpty
        case .nonEmptyString: return !operand.isEmpty
        case .terminal: return files.isTerminal(Int32(truncatingIfNeeded: try Self.integer(operand)))
        case .readable: return files.isAccessible(String(losslessBytes: operand), for: .read)
        case .writable: return files.isAccessible(String(losslessBytes: operand), for: .write)
        case .executable: return files.isAccessible(String(losslessBytes: operand), for: .execute)
        default: break
        }
        guard let info = status(operand, followingSymlinks: test != .symbolicLink) else { return false }
        let type = info.mode & UInt32(S_IFMT)
        switch test {
        case .regularFile: return type == UInt32(S_IFREG)
        case .directory: return type == UInt32(S_IFDIR)
        case .characterDevice: return type == UInt32(S_IFCHR)
        case .blockDevice: return type == UInt32(S_IFBLK)
        case .fifo: return type == UInt32(S_IFIFO)
        case .socket: return type == UInt32(S_IFSOCK)
        case .symbolicLink: return type == UInt32(S_IFLNK)
        case .setUserID: return info.mode & UInt32(S_ISUID) != 0
        case .setGroupID: return info.mode & UInt32(S_ISGID) != 0
        case .sticky: return info.mode & UInt32(S_ISVTX) != 0
        case .nonEmptyFile: return info.size != 0
        case .ownedByUser: return info.userID == files.effectiveUserID
        case .ownedByGroup: return info.groupID == files.effectiveGroupID
        default: return true  // -e
        }
    }

    private func status(_ path: [UInt8], followingSymlinks: Bool) -> FileStatus? {
        files.status(of: String(losslessBytes: path), followingSymlinks: followingSymlinks)
    }

    /// dash's getn: decimal, blanks around allowed, an optional sign, nothing else, within intmax_t.
    private static func integer(_ word: [UInt8]) throws(TestSyntaxError) -> Int64 {
        let number = CNumber(word) { Int64(strtoimax($0, $1, 10)) }
        guard !number.isOutOfRange, number.length > 0, word[number.length...].allSatisfy(isCSpace) else {
            throw TestSyntaxError(nil, "Illegal number: \(String(losslessBytes: word))")
        }
        return number.value
    }
}
