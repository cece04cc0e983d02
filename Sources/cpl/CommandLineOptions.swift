import CPL

/// `cpl`'s arguments, parsed by hand (no ArgumentParser: start-up time).
///
///     cpl [options] FILE [ARGS…]
///     cpl [options] -c SCRIPT [ARG0 [ARGS…]]
///     cpl [options]                 script from stdin, or interactive on a terminal
///
/// Options: -n (syntax check), -x, -e, -u, -C, -o NAME, -i (interactive),
/// --plan (print the plan, run nothing), --posix (`-o posix`), --help, --version, -- (end).
/// Run under the name `sh` (a symlink), cpl starts with `-o posix`, as bash does.
struct CommandLineOptions {
    /// The release's semantic version: the one place it is kept. `scripts/version` reads it from
    /// here for the packages and the tarball, and CHANGELOG.md's newest entry and the git tag
    /// (`v` + version) must agree with it.
    static let version = "0.4.0"

    enum Source: Equatable {
        case file(String)
        case command(String)
        case standardInput
    }

    var source: Source = .standardInput
    var arguments: [String] = []
    /// `$0` for `-c` (the ARG0 operand).
    var commandName: String?
    var syntaxCheckOnly = false
    var printPlan = false
    var forceInteractive = false
    var shellOptions = ShellOptions()
    /// `-o sshcommand=COMMAND` (a value) and `+o sshcommand` (nil): `CPL_SSH_COMMAND` in cpl's
    /// environment, as `CPL_SSH_COMMAND=COMMAND cpl …` would have it.
    var sshCommand: String??
    var showHelp = false
    var showVersion = false

    struct UsageError: Error {
        var message: String
    }

    init(_ argv: [String]) throws(UsageError) {
        if let name = argv.first, name == "sh" || name.hasSuffix("/sh") { shellOptions.posix = true }
        var index = 1
        var commandText: String?
        var wantsCommand = false
        parsing: while index < argv.count {
            let argument = argv[index]
            switch argument {
            case "--":
                index += 1
                break parsing
            case "--help", "-h":
                showHelp = true
            case "--version":
                showVersion = true
            case "--plan":
                printPlan = true
            case "--posix":
                shellOptions.posix = true
            case "-o", "+o":
                guard index + 1 < argv.count else { throw UsageError(message: "\(argument) needs an option name") }
                let name = argv[index + 1]
                index += 1
                if let value = RemoteStage.sshCommandSetting(name) {
                    guard (value != nil) == (argument == "-o") else {
                        throw UsageError(message: argument == "-o" ? "-o \(name) needs a value (-o \(name)=COMMAND)" : "+o \(RemoteStage.sshCommandOption) takes no value")
                    }
                    sshCommand = .some(value)
                    break
                }
                guard shellOptions[name] != nil else { throw UsageError(message: "unknown option: \(name)") }
                shellOptions[name] = argument == "-o"
            default:
                guard argument.count > 1, argument.hasPrefix("-") || argument.hasPrefix("+"), !argument.hasPrefix("--") else {
                    if argument.hasPrefix("--") { throw UsageError(message: "unknown option: \(argument)") }
                    break parsing
                }
                let on = argument.hasPrefix("-")
                for flag in argument.dropFirst() {
                    switch flag {
                    case "c" where on: wantsCommand = true
                    case "n" where on: syntaxCheckOnly = true
                    case "i" where on: forceInteractive = true
                    case "s" where on: break  // read from stdin: the default without operands
                    case "e": shellOptions.errexit = on
                    case "u": shellOptions.nounset = on
                    case "x": shellOptions.xtrace = on
                    case "C": shellOptions.noclobber = on
                    default: throw UsageError(message: "unknown option: \(on ? "-" : "+")\(flag)")
                    }
                }
            }
            index += 1
        }
        var operands = Array(argv[min(index, argv.count)...])
        if wantsCommand {
            guard !operands.isEmpty else { throw UsageError(message: "-c needs a script") }
            commandText = operands.removeFirst()
            source = .command(commandText!)
            if !operands.isEmpty { commandName = operands.removeFirst() }
            arguments = operands
        } else if !operands.isEmpty {
            source = .file(operands.removeFirst())
            arguments = operands
        }
    }

    static let usage = """
        usage: cpl [options] FILE [ARGS…]
               cpl [options] -c SCRIPT [ARG0 [ARGS…]]
               cpl [options] < SCRIPT
               cpl [options]            on a terminal (or with -i): the interactive REPL

        Runs a cpl script: pipelines, redirections, && || & &!, ( ) { }, $VAR, $(…), globs.
        The whole script is parsed first; a syntax error runs nothing (exit 2).

        options:
          -c SCRIPT    run SCRIPT (ARG0 becomes $0, ARGS $1…)
          -n           check the syntax only
          --plan       print what would run (a dry run: $(…) is not evaluated)
          --posix      POSIX mode (set -o posix; also on when run as `sh`): read and run
                       the script as sh does: $VAR is split and globbed, echo is dash's,
                       no &> |& &! <<< {a,b}
          -x           trace commands to stderr (set -x)
          -e           exit on the first failing command (set -e)
          -u           unset variables are errors (set -u)
          -C           > does not overwrite files (set -C)
          -o NAME      set -o NAME (allexport errexit noclobber noexec noglob nounset
                       pipefail posix verbose xtrace); +o NAME turns it off
          -o sshcommand=COMMAND
                       how remote stages run ssh (CPL_SSH_COMMAND=COMMAND)
          -i           interactive mode (readline, history in $CPL_HISTORY or ~/.cpl_history)
          --help       this text
          --version    print the version (cpl VERSION)

        See cpl(1) for the language, the REPL, files and exit statuses.

        """
}
