import ChildProcess
import Glibc

// `cd` and `pwd`. The working directory belongs to the shell context (each
// subshell has its own); the interpreter process never calls chdir. Programs
// get it through `SpawnOptions.cwd`.

extension Executor {
    /// `cd [-L|-P] [dir | -]`: HOME by default, `-` is `$OLDPWD` (printed).
    /// Updates `$PWD` and `$OLDPWD`. Paths are logical (`..` removes the
    /// last component) unless `-P`.
    func changeDirectory(_ operands: [String]) async -> Int32 {
        var operands = operands[...]
        var physical = false
        while let first = operands.first, first == "-L" || first == "-P" {
            physical = first == "-P"
            operands = operands.dropFirst()
        }
        if operands.first == "--" { operands = operands.dropFirst() }
        var printNewDirectory = false
        let requested: String
        if let operand = operands.first {
            if operand == "-" {
                guard let old = state.variables["OLDPWD"], !old.isEmpty else {
                    return await builtinError("cd", "OLDPWD not set")
                }
                requested = old
                printNewDirectory = true
            } else {
                requested = operand
            }
        } else {
            guard let home = state.variables["HOME"], !home.isEmpty else {
                return await builtinError("cd", "HOME not set")
            }
            requested = home
        }
        var target = Self.normalize(PathLookup.absolute(requested, in: state.workingDirectory))
        var info = stat()
        if target.withLosslessCString({ stat($0, &info) }) != 0 {
            return await builtinError("cd", "\(requested): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) != S_IFDIR {
            return await builtinError("cd", "\(requested): Not a directory")
        }
        if target.withLosslessCString({ access($0, X_OK) }) != 0 {
            return await builtinError("cd", "\(requested): \(String(cString: strerror(errno)))")
        }
        if physical, let resolved = target.withLosslessCString({ realpath($0, nil) }) {
            target = String(losslessCString: resolved)
            free(resolved)
        }
        state.variables["OLDPWD"] = state.workingDirectory
        state.variables["PWD"] = target
        state.exported.formUnion(["PWD", "OLDPWD"])
        state.workingDirectory = target
        if printNewDirectory { return await writeOutput(target + "\n", builtin: "cd") }
        return 0
    }

    /// `pwd [-L|-P]`.
    func printWorkingDirectory(_ operands: [String]) async -> Int32 {
        var directory = state.workingDirectory
        if operands.contains("-P"), let resolved = directory.withLosslessCString({ realpath($0, nil) }) {
            directory = String(losslessCString: resolved)
            free(resolved)
        }
        return await writeOutput(directory + "\n", builtin: "pwd")
    }

    /// `/a/./b//c/../d` → `/a/b/d` (lexically, as `cd -L` does).
    static func normalize(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
