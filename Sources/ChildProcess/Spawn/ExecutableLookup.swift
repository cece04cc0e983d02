import Glibc

/// The one PATH search: as execvp does it, but in the child's PATH and working directory (as libuv
/// does). `spawn` uses it, and so do the interpreter's command lookup, `command -v`, `type`, `hash`,
/// `.` and completion, each with its own test of what a candidate must be.
package enum ExecutableLookup {
    /// The search path when PATH is unset.
    package static let defaultSearchPath = "/usr/local/bin:/usr/bin:/bin"

    package enum Outcome: Equatable, Sendable {
        /// The candidate as found, relative ones relative to the working directory: `dir/name`, or
        /// `name` itself for an empty PATH entry. A name with a `/` is found as written, unchecked.
        case found(String)
        case notFound
        /// Something by that name exists but was refused: its path, resolved.
        case refused(String)
    }

    /// What a search makes of one candidate.
    package enum Verdict {
        case absent, accepted, refused
    }

    /// Tries `name` in each directory of `searchPath` (empty entries are the working directory)
    /// in order. `judge` sees each candidate resolved against `workingDirectory`.
    package static func search(
        _ name: String, searchPath: String?, workingDirectory: String?, judge: (String) -> Verdict
    ) -> Outcome {
        if name.isEmpty { return .notFound }
        if name.utf8.contains(UInt8(ascii: "/")) { return .found(name) }
        var refused: String?
        for directory in directories(of: searchPath) {
            let candidate = directory.isEmpty ? name : "\(directory)/\(name)"
            let located = locate(candidate, in: workingDirectory)
            switch judge(located) {
            case .accepted: return .found(candidate)
            case .refused: if refused == nil { refused = located }
            case .absent: continue
            }
        }
        return refused.map(Outcome.refused) ?? .notFound
    }

    /// The entries of a search path, empty ones kept (they name the working directory).
    package static func directories(of searchPath: String?) -> [Substring] {
        (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false)
    }

    /// `path` resolved against `directory` (nil: the process's own, so unchanged).
    package static func locate(_ path: String, in directory: String?) -> String {
        guard let directory, !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// The system's verdict on a program: a regular file this process may execute is accepted;
    /// anything else that exists is refused.
    package static func programVerdict(_ located: String) -> Verdict {
        var info = stat()
        guard located.withLosslessCString({ stat($0, &info) }) == 0 else { return .absent }
        let executable = (info.st_mode & S_IFMT) == S_IFREG && located.withLosslessCString({ access($0, X_OK) }) == 0
        return executable ? .accepted : .refused
    }

    /// The path to execute, or the errno execvp would report: EACCES if some candidate exists but
    /// cannot be executed, else ENOENT.
    static func resolve(_ command: String, searchPath: String?, cwd: String?) -> Result<String, Errno> {
        switch search(command, searchPath: searchPath, workingDirectory: cwd, judge: programVerdict) {
        case .found(let path): .success(path)
        case .notFound: .failure(.noSuchFileOrDirectory)
        case .refused: .failure(.permissionDenied)
        }
    }
}
