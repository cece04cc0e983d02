import ChildProcess
import Glibc

/// Finds a program in the PATH of the environment it will run with, relative
/// to the shell context's working directory (as execvp would from there).
enum PathLookup {
    enum Outcome: Equatable {
        case found(String)
        /// Nothing by that name.
        case notFound
        /// Something by that name exists but cannot be executed.
        case notExecutable(String)
    }

    static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    static func resolve(_ name: String, searchPath: String?, workingDirectory: String) -> Outcome {
        if name.isEmpty { return .notFound }
        // The path is returned as written (relative ones are resolved by the
        // spawn against the context's cwd), so a `#!` script sees `./x` as `$0`.
        if name.utf8.contains(UInt8(ascii: "/")) { return .found(name) }
        var denied: String?
        for directory in directories(of: searchPath) {
            let candidate = directory.isEmpty ? name : "\(directory)/\(name)"
            let located = absolute(candidate, in: workingDirectory)
            var info = stat()
            guard located.withLosslessCString({ stat($0, &info) }) == 0 else { continue }
            if isProgram(located) { return .found(candidate) }
            if denied == nil { denied = located }
        }
        return denied.map { .notExecutable($0) } ?? .notFound
    }

    /// The names `resolve` would find that start with `prefix` (for completion).
    static func programs(startingWith prefix: String, searchPath: String?, workingDirectory: String) -> Set<String> {
        var names = Set<String>()
        for directory in directories(of: searchPath) {
            let located = absolute(directory.isEmpty ? "." : String(directory), in: workingDirectory)
            for entry in located.withLosslessCString(directoryEntryNames(at:)) {
                let name = String(losslessBytes: entry)
                if name.hasPrefix(prefix), name != ".", name != "..", isProgram(located + "/" + name) {
                    names.insert(name)
                }
            }
        }
        return names
    }

    private static func directories(of searchPath: String?) -> [Substring] {
        (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false)
    }

    /// A regular file this process may execute.
    private static func isProgram(_ path: String) -> Bool {
        var info = stat()
        return path.withLosslessCString { stat($0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access($0, X_OK) == 0 }
    }

    static func absolute(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
