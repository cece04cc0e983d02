import ChildProcess

/// The interpreter's side of the one PATH search (`ExecutableLookup`): candidates are judged
/// through the session's `FileSystem` and resolved against the shell's working directory.
enum PathLookup {
    typealias Outcome = ExecutableLookup.Outcome

    /// A program, as a command name is looked up (and `command -v`, `type`, `hash`).
    static func resolve(
        _ name: String, searchPath: String?, workingDirectory: String, in fileSystem: FileSystem
    ) -> Outcome {
        ExecutableLookup.search(name, searchPath: searchPath, workingDirectory: workingDirectory) { located in
            guard let kind = fileSystem.kind(of: located) else { return .absent }
            return kind == .regular && fileSystem.isAccessible(located, .execute) ? .accepted : .refused
        }
    }

    /// A file for `.` to read: any regular file on PATH (dash's rule: the working directory only
    /// when PATH names it). A name with a `/` is not searched for.
    static func sourceFile(
        _ name: String, searchPath: String?, workingDirectory: String, in fileSystem: FileSystem
    ) -> String? {
        let isFile = { (path: String) in fileSystem.kind(of: path) == .regular }
        if name.contains("/") {
            let path = absolute(name, in: workingDirectory)
            return isFile(path) ? path : nil
        }
        let outcome = ExecutableLookup.search(name, searchPath: searchPath, workingDirectory: workingDirectory) {
            isFile($0) ? .accepted : .absent
        }
        guard case .found(let candidate) = outcome else { return nil }
        return absolute(candidate, in: workingDirectory)
    }

    /// The names `resolve` would find that start with `prefix` (for completion).
    static func programs(
        startingWith prefix: String, searchPath: String?, workingDirectory: String, in fileSystem: FileSystem
    ) -> Set<String> {
        var names = Set<String>()
        for directory in ExecutableLookup.directories(of: searchPath) {
            let located = absolute(directory.isEmpty ? "." : String(directory), in: workingDirectory)
            for name in (try? fileSystem.directoryEntries(located)) ?? []
            where name.hasPrefix(prefix) && name != "." && name != ".." && fileSystem.isProgram(located + "/" + name) {
                names.insert(name)
            }
        }
        return names
    }

    static func absolute(_ path: String, in directory: String) -> String {
        ExecutableLookup.locate(path, in: directory)
    }
}
