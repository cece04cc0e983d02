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
        for directory in (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = directory.isEmpty ? name : "\(directory)/\(name)"
            let located = absolute(candidate, in: workingDirectory)
            var info = stat()
            guard stat(located, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG, access(located, X_OK) == 0 { return .found(candidate) }
            if denied == nil { denied = located }
        }
        return denied.map { .notExecutable($0) } ?? .notFound
    }

    static func absolute(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
