import Synchronization

// The command structure of a cpl program (words live in Word.swift).
//
//     Program      = [ListItem]
//     ListItem     = AndOrList + terminator (`;`/newline, `&`, `&!`)
//     AndOrList    = Pipeline { (`&&` | `||`) Pipeline }     left-associative
//     Pipeline     = [`!`] Command { (`|` | `|&`) Command }
//     Command      = SimpleCommand | `( Program )` | `{ Program; }` | CompoundCommand
//                  | FunctionDefinition
//     CompoundCommand = if / while / until / for / case, with redirections after it

// The list items, pipelines and simple commands are immutable classes: the executor reads them
// at every command it runs, and a copy of one is then one reference count, where a copy of the
// struct it was counted each of its arrays (in a loop, a third of the interpreter's instructions
// went to those counts). Words stay values: a script holds many, and equal ones share their parts.

/// A whole program, the body of a group, or the body of a command substitution.
public struct Program: Sendable, Equatable {
    public var items: [ListItem]
    /// From where the body starts to where its closer (or the end of input) is.
    public var range: SourceRange

    public init(items: [ListItem], range: SourceRange) {
        self.items = items
        self.range = range
    }
}

/// How a list item ends.
public enum ListTerminator: String, Sendable, Equatable {
    /// `;`, a newline, or the end of the list: wait for it.
    case sequential
    /// `&`: run in the background (`$!` is set; `wait` can wait for it).
    case background
    /// `&!`: detach (new session, never waited for).
    case detached
}

/// One and-or list with what ends it.
public final class ListItem: Sendable, Equatable {
    public let andOr: AndOrList
    public let terminator: ListTerminator
    /// Includes an explicit `;`, `&` or `&!`.
    public let range: SourceRange

    public init(andOr: AndOrList, terminator: ListTerminator, range: SourceRange) {
        self.andOr = andOr
        self.terminator = terminator
        self.range = range
    }

    public static func == (lhs: ListItem, rhs: ListItem) -> Bool {
        lhs === rhs || (lhs.andOr == rhs.andOr && lhs.terminator == rhs.terminator && lhs.range == rhs.range)
    }
}

public enum AndOrOperator: String, Sendable, Equatable {
    case and = "&&"
    case or = "||"
}

/// `a && b || c`: `first` is `a`, `rest` is `[(&&, b), (||, c)]`.
/// `&&` and `||` have equal precedence and associate to the left.
public struct AndOrList: Sendable, Equatable {
    public struct Element: Sendable, Equatable {
        public var op: AndOrOperator
        public var pipeline: Pipeline

        public init(op: AndOrOperator, pipeline: Pipeline) {
            self.op = op
            self.pipeline = pipeline
        }
    }

    public var first: Pipeline
    public var rest: [Element]

    public init(first: Pipeline, rest: [Element]) {
        self.first = first
        self.rest = rest
    }

    /// From the first pipeline's start to the last one's end (derived: every list item would
    /// otherwise hold a third copy of its range).
    public var range: SourceRange {
        SourceRange(start: first.range.start, end: (rest.last?.pipeline ?? first).range.end)
    }

    /// All pipelines in order.
    public var pipelines: [Pipeline] { [first] + rest.map(\.pipeline) }
}

/// `[!] stage { | stage }`.
public final class Pipeline: Sendable, Equatable {
    public let negated: Bool
    public let stages: [Command]
    /// One entry per connection (`stages.count - 1`): true for `|&`, which
    /// connects standard error as well as standard output.
    public let pipeStderr: [Bool]
    /// Starts at the `!` when negated.
    public let range: SourceRange

    public init(negated: Bool, stages: [Command], pipeStderr: [Bool], range: SourceRange) {
        self.negated = negated
        self.stages = stages
        self.pipeStderr = pipeStderr
        self.range = range
    }

    public static func == (lhs: Pipeline, rhs: Pipeline) -> Bool {
        lhs === rhs || (lhs.negated == rhs.negated && lhs.stages == rhs.stages && lhs.pipeStderr == rhs.pipeStderr && lhs.range == rhs.range)
    }
}

/// Every case is one reference: a simple command is a class, the others are boxed.
public enum Command: Sendable, Equatable {
    case simple(SimpleCommand)
    /// `( list )`, run in a subshell.
    indirect case subshell(GroupCommand)
    /// `{ list; }`, run in the current shell.
    indirect case braceGroup(GroupCommand)
    /// `if`, `while`, `until`, `for`, `case`: run in the current shell.
    indirect case compound(CompoundCommand)
    /// `name() compound-command`: defines a function (running it does nothing else).
    indirect case functionDefinition(FunctionDefinition)

    public var range: SourceRange {
        switch self {
        case .simple(let command): command.range
        case .subshell(let group), .braceGroup(let group): group.range
        case .compound(let compound): compound.range
        case .functionDefinition(let function): function.range
        }
    }

    /// Redirections of the command, in source order (a function definition has none of its own:
    /// those written after its body belong to the body).
    public var redirections: [Redirection] {
        switch self {
        case .simple(let command): command.redirections
        case .subshell(let group), .braceGroup(let group): group.redirections
        case .compound(let compound): compound.redirections
        case .functionDefinition: []
        }
    }
}

/// A control-flow command with the redirections written after it (`done < file`).
public struct CompoundCommand: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case ifClause(IfClause)
        /// `while` and `until`.
        case loop(LoopClause)
        case forLoop(ForClause)
        case caseClause(CaseClause)
    }

    public var body: Body
    public var redirections: [Redirection]
    /// From the opening keyword to the closing one (or the end of the last redirection).
    public var range: SourceRange

    public init(body: Body, redirections: [Redirection], range: SourceRange) {
        self.body = body
        self.redirections = redirections
        self.range = range
    }

    /// The opening keyword (`if`, `while`, …), for messages and plans.
    public var keyword: String {
        switch body {
        case .ifClause: "if"
        case .loop(let loop): loop.isUntil ? "until" : "while"
        case .forLoop: "for"
        case .caseClause: "case"
        }
    }
}

/// `if LIST; then LIST; [elif LIST; then LIST;]… [else LIST;] fi`.
public struct IfClause: Sendable, Equatable {
    /// `if` and each `elif`: the first condition whose status is 0 runs its body.
    public struct Branch: Sendable, Equatable {
        public var condition: Program
        public var body: Program

        public init(condition: Program, body: Program) {
            self.condition = condition
            self.body = body
        }
    }

    public var branches: [Branch]
    public var elseBody: Program?

    public init(branches: [Branch], elseBody: Program?) {
        self.branches = branches
        self.elseBody = elseBody
    }
}

/// `while LIST; do LIST; done` or `until LIST; do LIST; done`.
public struct LoopClause: Sendable, Equatable {
    public var isUntil: Bool
    public var condition: Program
    public var body: Program

    public init(isUntil: Bool, condition: Program, body: Program) {
        self.isUntil = isUntil
        self.condition = condition
        self.body = body
    }
}

/// `for NAME [in WORDS…]; do LIST; done`.
public struct ForClause: Sendable, Equatable {
    public var name: String
    /// nil without `in`: the positional parameters (`"$@"`).
    public var words: [Word]?
    public var body: Program

    public init(name: String, words: [Word]?, body: Program) {
        self.name = name
        self.words = words
        self.body = body
    }
}

/// `case WORD in [(]PATTERN[|PATTERN]…) LIST ;; … esac`.
public struct CaseClause: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// Glob patterns: quoted parts match literally; an expansion's value is a pattern.
        public var patterns: [Word]
        /// May be empty.
        public var body: Program
        public var range: SourceRange
        /// The executor's patterns made from `patterns` that have no expansions.
        let madePatterns: CasePatternCache

        public init(patterns: [Word], body: Program, range: SourceRange) {
            self.patterns = patterns
            self.body = body
            self.range = range
            self.madePatterns = CasePatternCache(count: patterns.count)
        }
    }

    public var word: Word
    public var items: [Item]

    public init(word: Word, items: [Item]) {
        self.word = word
        self.items = items
    }
}

/// `name() compound-command [redirections]`.
public struct FunctionDefinition: Sendable, Equatable {
    public var name: String
    /// A brace group, subshell or compound command, with its redirections.
    public var body: Command
    /// From the name to the end of the body.
    public var range: SourceRange

    public init(name: String, body: Command, range: SourceRange) {
        self.name = name
        self.body = body
        self.range = range
    }
}

/// The body and trailing redirections of `( … )` or `{ …; }`.
public struct GroupCommand: Sendable, Equatable {
    public var body: Program
    public var redirections: [Redirection]
    /// From the opening `(`/`{` to the end of the last redirection.
    public var range: SourceRange

    public init(body: Program, redirections: [Redirection], range: SourceRange) {
        self.body = body
        self.redirections = redirections
        self.range = range
    }
}

/// `A=1 B=2 cmd args…` with redirections anywhere among them.
///
/// Words and redirections are kept in separate arrays; each array keeps
/// source order (the relative order of redirections matters: `>f 2>&1`).
/// Either array, and `assignments`, may be empty, but not all three.
public final class SimpleCommand: Sendable, Equatable {
    /// `NAME=value` words before the command name.
    public let assignments: [Assignment]
    /// The command name and its arguments.
    public let words: [Word]
    public let redirections: [Redirection]
    public let range: SourceRange
    /// `expandsImmediately`, once known: bit 0 set when it is, bits 1 and 2 its two answers.
    private let immediacy = Atomic<UInt8>(0)

    public init(assignments: [Assignment], words: [Word], redirections: [Redirection], range: SourceRange) {
        self.assignments = assignments
        self.words = words
        self.redirections = redirections
        self.range = range
    }

    /// Whether `Planner.expandImmediately(_:)` expands this command, without and with POSIX mode's
    /// field splitting: known from the words alone and asked at every run of the command, so found
    /// the first time (most commands of a script never run) and kept.
    var expandsImmediately: (withoutSplitting: Bool, withSplitting: Bool) {
        var bits = immediacy.load(ordering: .relaxed)
        if bits == 0 {
            let answers = Self.expandsImmediately(assignments: assignments, words: words, redirections: redirections)
            bits = 1 | (answers.withoutSplitting ? 2 : 0) | (answers.withSplitting ? 4 : 0)
            immediacy.store(bits, ordering: .relaxed)
        }
        return (bits & 2 != 0, bits & 4 != 0)
    }

    public static func == (lhs: SimpleCommand, rhs: SimpleCommand) -> Bool {
        lhs === rhs || (lhs.assignments == rhs.assignments && lhs.words == rhs.words && lhs.redirections == rhs.redirections && lhs.range == rhs.range)
    }
}

/// `NAME=value`. `value` starts just after `=` (its parts may be empty).
public struct Assignment: Sendable, Equatable {
    public var name: String
    public var value: Word
    /// The whole `NAME=value` word.
    public var range: SourceRange

    public init(name: String, value: Word, range: SourceRange) {
        self.name = name
        self.value = value
        self.range = range
    }
}

public enum RedirectionOperator: String, Sendable, Equatable, CaseIterable {
    case input = "<"
    case output = ">"
    case append = ">>"
    /// `>|`: truncate even under `set -C`.
    case clobber = ">|"
    case readWrite = "<>"
    /// `>&word`: duplicate (or, with `-`, close) an output descriptor.
    case duplicateOutput = ">&"
    /// `<&word`: duplicate (or, with `-`, close) an input descriptor.
    case duplicateInput = "<&"
    case hereDocument = "<<"
    /// `<<-`: leading tabs are stripped from the body and delimiter lines.
    case hereDocumentStrippingTabs = "<<-"
    /// `<<< word`: the word plus a newline on standard input.
    case hereString = "<<<"
    /// `&>word`: standard output and standard error to a file.
    case outputAndError = "&>"
    /// `&>>word`: standard output and standard error appended to a file.
    case appendOutputAndError = "&>>"

    /// The descriptor used when none is written (`nil` for `&>`/`&>>`, which
    /// redirect both 1 and 2).
    public var defaultDescriptor: Int? {
        switch self {
        case .input, .readWrite, .duplicateInput, .hereDocument, .hereDocumentStrippingTabs, .hereString: 0
        case .output, .append, .clobber, .duplicateOutput: 1
        case .outputAndError, .appendOutputAndError: nil
        }
    }

    public var isHereDocument: Bool { self == .hereDocument || self == .hereDocumentStrippingTabs }
}

public enum RedirectionTarget: Sendable, Equatable {
    /// A file name, a descriptor number or `-` (for `>&`/`<&`; the planner
    /// validates those), or the here-string word.
    case word(Word)
    indirect case hereDocument(HereDocument)
}

/// `[n]op target`.
public struct Redirection: Sendable, Equatable {
    /// The descriptor written immediately before the operator (`2>f`), if any.
    public var fd: Int?
    public var op: RedirectionOperator
    public var target: RedirectionTarget
    /// From the descriptor number (or operator) to the end of the target word
    /// (for a here-document: its delimiter word, not the body).
    public var range: SourceRange

    public init(fd: Int?, op: RedirectionOperator, target: RedirectionTarget, range: SourceRange) {
        self.fd = fd
        self.op = op
        self.target = target
        self.range = range
    }

    /// `fd ?? op.defaultDescriptor`.
    public var effectiveDescriptor: Int? { fd ?? op.defaultDescriptor }
}

/// A here-document body, read from the lines following the command's line.
public struct HereDocument: Sendable, Equatable {
    /// The delimiter with quotes removed (`'EOF'` → `EOF`).
    public var delimiter: String
    /// True when any part of the delimiter was quoted or escaped: the body is
    /// then taken literally (no expansions, no backslash processing).
    public var quoted: Bool
    /// `<<-`: leading tabs were stripped from the body lines and delimiter line.
    public var stripTabs: Bool
    /// The body as written (after tab stripping), without the delimiter line.
    public var text: String
    /// The body to expand. Quoted: one `.literal(text)` (none if empty).
    /// Unquoted: `.literal` runs, `.escaped` (for `\$`, backslash-backquote and `\\`;
    /// backslash-newline is removed), `.parameter` and `.commandSubstitution`
    /// parts. Like the inside of double quotes, nothing here is globbed or split.
    public var parts: [WordPart]
    /// The body lines plus the delimiter line.
    public var bodyRange: SourceRange

    public init(delimiter: String, quoted: Bool, stripTabs: Bool, text: String, parts: [WordPart], bodyRange: SourceRange) {
        self.delimiter = delimiter
        self.quoted = quoted
        self.stripTabs = stripTabs
        self.text = text
        self.parts = parts
        self.bodyRange = bodyRange
    }
}
