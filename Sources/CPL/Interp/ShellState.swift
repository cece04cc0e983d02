import Glibc

/// `set` options.
public struct ShellOptions: Sendable, Equatable {
    /// `set -e`: exit when a command fails (sh's rules: not in `&&`/`||`
    /// chains except the last command, not under `!`).
    public var errexit = false
    /// `set -u`: expanding an unset variable is an error (status 2).
    public var nounset = false
    /// `set -x`: trace each command to standard error as `+ cmd args`.
    public var xtrace = false
    /// `set -o pipefail`: a pipeline's status is its last non-zero stage's.
    public var pipefail = false
    /// `set -C`: `>` does not overwrite an existing file (`>|` does).
    public var noclobber = false
    /// `set -f`: no pathname expansion.
    public var noglob = false
    /// `set -a`: every variable assigned is exported.
    public var allexport = false
    /// `set -n`: commands are read but not run (a syntax check; ignored by an interactive shell).
    public var noexec = false
    /// `set -v`: each command is written to standard error before it runs (cpl has read the whole
    /// script already, so it writes each top-level command's text as it comes to it).
    public var verbose = false
    /// `set -o vi` / `set -o emacs`: the REPL's line-editing mode (one is on at a time, as in bash;
    /// a script may set them, to no effect, as in dash).
    public var vi = false
    public var emacs = false
    /// `set -o posix` (`cpl --posix`, or cpl run as `sh`): sh's reading of a script. Unquoted
    /// expansions are field-split at IFS and pathname-expanded, `echo` is dash's, and text parsed
    /// from then on has no cpl extensions (`&>`, `|&`, `&!`, `<<<`, `{a,b}`). See POSIXMode.swift.
    public var posix = false

    public init(errexit: Bool = false, nounset: Bool = false, xtrace: Bool = false, pipefail: Bool = false, noclobber: Bool = false) {
        self.errexit = errexit
        self.nounset = nounset
        self.xtrace = xtrace
        self.pipefail = pipefail
        self.noclobber = noclobber
    }

    private static let options: [(name: String, flag: Character?, path: WritableKeyPath<ShellOptions, Bool> & Sendable)] = [
        ("allexport", "a", \.allexport), ("emacs", nil, \.emacs), ("errexit", "e", \.errexit),
        ("noclobber", "C", \.noclobber), ("noexec", "n", \.noexec), ("noglob", "f", \.noglob),
        ("nounset", "u", \.nounset), ("pipefail", nil, \.pipefail), ("posix", nil, \.posix), ("verbose", "v", \.verbose),
        ("vi", nil, \.vi), ("xtrace", "x", \.xtrace),
    ]

    /// `$-`: the single-letter options that are on.
    var flags: String {
        String(Self.options.compactMap { self[keyPath: $0.path] ? $0.flag : nil })
    }

    /// The `set -o` names, sorted.
    public static let names = options.map(\.name)

    /// The option called `name` in `set -o name`; nil for an unknown name.
    public subscript(name: String) -> Bool? {
        get { Self.options.first { $0.name == name }.map { self[keyPath: $0.path] } }
        set {
            guard let newValue, let option = Self.options.first(where: { $0.name == name }) else { return }
            self[keyPath: option.path] = newValue
            // Readline has one editing mode: choosing one leaves the other.
            if newValue, name == "vi" { emacs = false }
            if newValue, name == "emacs" { vi = false }
        }
    }

    /// The `-o` name of a single-letter flag.
    static func name(ofFlag flag: Character) -> String? {
        options.first { $0.flag == flag }?.name
    }
}

/// The part of a shell context that a subshell copies: variables,
/// parameters, options, the working directory.
struct ShellState: Sendable {
    /// The variables, with their export attributes.
    var variables: VariableTable
    /// `readonly` names: assigning or unsetting them is an error that ends a script.
    var readonlyNames: NameSet = []
    var positionalParameters: [String]
    /// `$0`.
    var scriptName: String
    var options: ShellOptions
    /// The logical working directory (`$PWD`); the process's own cwd never changes.
    var workingDirectory: String
    var lastStatus: Int32 = 0
    /// The last `&`/`&!` job: `$!` is its pid, known once its last stage has started.
    var lastBackgroundJob: Job?
    /// The shell functions, by name (a subshell gets copies; the interpreter keeps them between runs).
    var functions: NameTable<ShellFunction> = [:]
    /// `trap`: condition (`EXIT`, `INT`…) → commands (empty: ignored).
    var traps: [String: String] = [:]
    /// `alias NAME=value`: expanded in text parsed later (`eval`, `.`, the REPL's next line).
    var aliases: [String: String] = [:]
    /// `$LINENO` is the line it is written on, until `unset LINENO` (then an ordinary variable).
    var keepsLineNumber = true
    /// The programs found on PATH (`hash`).
    var programs = RememberedPrograms()

    init(environment: [String: String], workingDirectory: String, scriptName: String) {
        self.init(variables: VariableTable(exporting: environment), workingDirectory: workingDirectory, scriptName: scriptName)
    }

    init(variables: VariableTable, workingDirectory: String, scriptName: String) {
        self.variables = variables
        positionalParameters = []
        self.scriptName = scriptName
        options = ShellOptions()
        self.workingDirectory = workingDirectory
        self.variables["PWD"] = workingDirectory
        self.variables.export("PWD")  // as dash does
        // dash sets these at start-up, whatever the environment says.
        self.variables["OPTIND"] = "1"
        self.variables["IFS"] = " \t\n"
        self.variables["PPID"] = String(getppid())
    }

    /// Sets a variable as an assignment (`NAME=value`, `${NAME=value}`) does. Assigning PATH, even
    /// its own value, forgets the remembered programs, as in dash.
    mutating func assign(_ name: String, _ value: String?) {
        if name == "PATH" { programs.forgetAll() }
        variables[name] = value
    }

    /// The PATH programs are searched on: the one in their environment.
    var programSearchPath: String? { variables.exportedValue("PATH") }

    /// The environment of a program: the exported variables with values, and `assignments` (a
    /// command's prefix assignments) over them.
    mutating func environment(with assignments: [PlannedAssignment] = []) -> [String: String] {
        var result = variables.environment()
        for assignment in assignments { result[assignment.name] = assignment.value }
        return result
    }
}

/// A function definition with the script it came from (for messages and `$LINENO`-like lines).
struct ShellFunction: Sendable {
    var definition: FunctionDefinition
    var source: ScriptSource
}

/// Unwinds the running script (or subshell) to whatever handles the reason: `exit`, `set -e`, a
/// fatal expansion error or cancellation end the context; `break`/`continue` go to the loop they
/// name, `return` to the function or sourced file (or, outside both, it ends the script as dash's does).
struct ShellExit: Error {
    enum Reason: Equatable {
        case exit, errexit, fatalError, cancelled, interrupted
        /// `break n`: leave n enclosing loops.
        case breakLoop(Int)
        /// `continue n`: leave n - 1 enclosing loops and go on with the next iteration of the nth.
        case continueLoop(Int)
        case returnFromFunction
        /// A builtin's write found its reader gone, in a subshell: SIGPIPE would have ended it.
        case brokenPipe
    }

    var status: Int32
    var reason: Reason
}
