import Glibc

/// Finds a program as execvp does, but in the child's PATH (not the parent's), as libuv does.
enum ExecutableLookup {
    /// glibc's default when PATH is unset.
    static let defaultSearchPath = "/bin:/usr/bin"

    /// The path to execute, or the errno execvp would report: EACCES if some candidate exists but
    /// cannot be executed, else ENOENT.
    static func resolve(_ command: String, searchPath: String?, cwd: String?) -> Result<String, Errno> {
        if command.isEmpty { return .failure(.noSuchFile) }
        if command.contains("/") { return .success(command) }
        var sawPermissionDenied = false
        for directory in (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = directory.isEmpty ? command : "\(directory)/\(command)"
            let located = candidate.hasPrefix("/") || cwd == nil ? candidate : "\(cwd!)/\(candidate)"
            var info = stat()
            guard located.withLosslessCString({ stat($0, &info) }) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFREG, located.withLosslessCString({ access($0, X_OK) }) == 0 {
                return .success(candidate)
            }
            sawPermissionDenied = true
        }
        return .failure(sawPermissionDenied ? .permissionDenied : .noSuchFile)
    }
}
