/// Quoting for a POSIX shell: the one on the far side of ssh, and the one that reads back what
/// cpl prints for it (plans, `export -p`, `trap`, `alias`, `set +o`).
///
/// ssh sends one command string, which the remote user's login shell parses: every argument must
/// be quoted so that that shell turns the string back into exactly the words given. Single quotes
/// do it for every byte but NUL (which no argv can hold): inside them nothing is special, and a
/// `'` is written as `'\''`. The quoting works on scalars, and a lossless string's undecodable
/// bytes are scalars that are never `'`, so their bytes reach the remote shell unchanged.
public enum RemoteShell {
    /// `word` as one word of a POSIX shell command line, in any place, a command name too. Words
    /// made only of characters no shell treats specially stay bare (so a plan stays readable),
    /// unless the shell would read them as an assignment (`a=b`) or a reserved word (`if`).
    public static func quote(_ word: String) -> String {
        isBare(word) && !word.contains("=") && !reservedWords.contains(word) ? word : singleQuoted(word)
    }

    /// `word` as an argument, not a command name: `quote`, but `a=b` and `if` stay bare, as only a
    /// command name is read as an assignment or a reserved word (cpl's plans and listings).
    public static func quote(argument word: String) -> String {
        isBare(word) ? word : singleQuoted(word)
    }

    /// `'word'`, each `'` written `'\''`. Scalar by scalar: a `'` with a combining mark after it
    /// is one Character, yet still a quote to sh.
    public static func singleQuoted(_ word: String) -> String {
        var quoted = String.UnicodeScalarView()
        quoted.append("'")
        for scalar in word.unicodeScalars {
            if scalar == "'" { quoted.append(contentsOf: #"'\''"#.unicodeScalars) } else { quoted.append(scalar) }
        }
        quoted.append("'")
        return String(quoted)
    }

    /// The command line that runs `arguments` (a program and its arguments, as execve takes them)
    /// with `environment` added to the remote command's environment. `env` carries the variables,
    /// because sshd accepts only the names its `AcceptEnv` lists through ssh's `SendEnv`.
    public static func commandLine(_ arguments: [String], environment: [String: String] = [:]) -> String {
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // `--` keeps an assignment or a program starting with `-` from reading as env's option.
        let words = assignments.isEmpty ? arguments : ["env", "--"] + assignments + arguments
        guard let name = words.first else { return "" }
        return ([quote(name)] + words.dropFirst().map { quote(argument: $0) }).joined(separator: " ")
    }

    /// `commandLine` wrapped so that the remote command ends with the ssh session.
    ///
    /// Without a terminal, sshd does not signal a command whose channel closed (a killed ssh, a
    /// Ctrl-C): a remote `sleep 1000` would go on. The wrapper runs the command in the background
    /// with the session's stdin, and a watcher that checks once a second that the channel is still
    /// there: that sshd (the login shell's parent) lives and, where /proc shows it, still holds the
    /// read end of the shell's stdout pipe (with a shared ControlMaster the connection's sshd
    /// outlives each channel). When the channel is gone the command gets SIGTERM. The watcher looks
    /// only after its first second, so a short command costs no more than two forks and a `sleep`
    /// that runs beside it; it holds none of the channel's descriptors, so it never delays the end of
    /// the output, and it leaves by itself at most a second after the command ends. The status is
    /// the command's.
    public static func endingWithSession(_ commandLine: String) -> String {
        "exec 3<&0 </dev/null; \(commandLine) <&3 3<&- & c=$!; exec 3<&-; "
            + #"{ o=; while sleep 1 && kill -0 $c && kill -0 $PPID && case ${o:=$(readlink /proc/$$/fd/1)} in "#
            + #""") true ;; *) case $(ls -l /proc/$PPID/fd) in ""|*"$o"*) true ;; *) false ;; esac ;; esac; "#
            + #"do :; done; kill $c; } >/dev/null 2>&1 & wait $c"#
    }

    /// No POSIX shell gives these a meaning: ASCII letters, digits, a few punctuation marks, and
    /// every scalar beyond ASCII (whose bytes are all 0x80 or more).
    private static func isBare(_ word: String) -> Bool {
        !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ",", ":", "+", "@", "%", "=": true
            default: scalar.value >= 0x80
            }
        }
    }

    private static let reservedWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "in",
        "function", "select", "time", "coproc",
    ]
}
