#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the word expander needs from the shell: variables, parameters, the
/// working directory, and a way to run a command substitution.
///
/// The expander is pure apart from this protocol, so it can be tested with a
/// plain struct (command substitution is then a closure), the `--plan` dry
/// run uses a context that does not run anything, and the executor's context
/// runs `$(…)` for real.
public protocol ExpansionContext {
    /// A shell variable (exported or not); nil when unset.
    func variable(_ name: String) -> String?
    /// Sets (nil: unsets) a variable: `${NAME=word}`, and the prefix
    /// assignments of a command while its later ones are expanded.
    mutating func assignVariable(_ name: String, _ value: String?)
    /// `$1`, `$2`, …
    var positionalParameters: [String] { get }
    /// `$0`.
    var scriptName: String { get }
    /// `$?`.
    var lastStatus: Int32 { get }
    /// `$!`; nil before the first background job (expands to nothing). Async:
    /// a job that is still expanding its words has no pid yet.
    var lastBackgroundProcessID: Int32? { get async }
    /// `$$`.
    var shellProcessID: Int32 { get }
    /// `$-`: the single-letter options in effect (`eux`…).
    var optionFlags: String { get }
    /// `set -u`: expanding an unset variable is an error.
    var treatsUnsetVariablesAsErrors: Bool { get }
    /// `set -f`: patterns are never matched against file names.
    var globbingDisabled: Bool { get }
    /// `$LINENO` is the line it is written on (false once a script has unset LINENO).
    var keepsLineNumber: Bool { get }
    /// `readonly NAME`: an assignment by `$((NAME = …))` is an error.
    func isReadOnly(_ name: String) -> Bool
    /// A dry run's stand-in (`$1`) for a parameter whose value only the run knows (the
    /// parameters of a function planned where it is defined); nil: expand it.
    func runTimeStandIn(for name: String) -> String?
    /// Relative glob patterns are matched here (not in the process's cwd).
    var workingDirectory: String { get }
    /// Where globbing reads directories.
    var fileSystem: FileSystem { get }
    /// The home directory for `~` (user nil: `$HOME`) or `~user`; nil leaves the tilde as written.
    func homeDirectory(ofUser user: String?) -> String?
    /// Whether the output of an unquoted `$(…)` is split into fields (false for
    /// a dry run, which shows the substitution as written).
    var splitsSubstitutionOutput: Bool { get }
    /// POSIX mode (`set -o posix`): the values of unquoted expansions are split at IFS and
    /// globbed, as in sh (see POSIXExpansion.swift).
    var splitsExpansionValues: Bool { get }
    /// Runs `$(…)` and returns everything it wrote to standard output (the
    /// expander removes the trailing newlines).
    mutating func substituteCommand(_ substitution: CommandSubstitution) async throws(ExpansionError) -> String
}

extension ExpansionContext {
    public var shellProcessID: Int32 { getpid() }
    public var optionFlags: String { treatsUnsetVariablesAsErrors ? "u" : "" }
    public var splitsSubstitutionOutput: Bool { true }
    public var splitsExpansionValues: Bool { false }
    public var globbingDisabled: Bool { false }
    public var keepsLineNumber: Bool { true }
    public var fileSystem: FileSystem { .system }
    public func isReadOnly(_ name: String) -> Bool { false }
    public func runTimeStandIn(for name: String) -> String? { nil }

    public func homeDirectory(ofUser user: String?) -> String? {
        guard let user else { return variable("HOME") }
        return HomeDirectory.lookup(user: user)
    }
}

/// `~user` through the password database (`/etc/passwd`, see `UserDatabase`).
public enum HomeDirectory {
    public static func lookup(user: String) -> String? {
        UserDatabase.account(named: user)?.homeDirectory
    }
}

/// A word that cannot be expanded. In a script this ends the shell (status 2),
/// as in sh; inside a pipeline stage or subshell only that stage.
public struct ExpansionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `set -u` and an unset variable (`NAME: parameter not set`).
        case unsetParameter
        /// `${NAME?message}`.
        case parameterMessage
        /// `${1=x}`: positional and special parameters cannot be assigned.
        case cannotAssign
        /// A command substitution could not be started (no pipe, …).
        case substitutionFailed
        /// The script was cancelled while expanding.
        case cancelled
        /// `$((…))` that does not parse, divides by zero or reads a variable that is no number.
        case arithmetic
        /// `@host cmd` whose hosts expand to nothing or to a name ssh would take as an option.
        case remoteHost
    }

    public var kind: Kind
    /// The parameter name, if any.
    public var name: String
    /// The text shown after `cpl: file:line:column: `.
    public var message: String
    public var range: SourceRange?
    /// The status of the command that failed to expand.
    public var status: Int32

    public init(kind: Kind, name: String = "", message: String, range: SourceRange? = nil, status: Int32 = 2) {
        self.kind = kind
        self.name = name
        self.message = message
        self.range = range
        self.status = status
    }

    public var description: String { message }

    static func unset(_ name: String, at range: SourceRange) -> ExpansionError {
        ExpansionError(kind: .unsetParameter, name: name, message: "\(name): parameter not set", range: range)
    }
}
