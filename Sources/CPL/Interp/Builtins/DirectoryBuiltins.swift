import ChildProcess
import Glibc

// `cd` and `pwd`. The working directory belongs to the shell context (each
// subshell has its own); the interpreter process never calls chdir. Programs
// get it through `SpawnOptions.cwd`.

extension Executor {
    /// `cd [-L|-P] [dir | -]`: HOME by default, `-` is `$OLDPWD` (printed); a relative dir is
    /// looked for on `$CDPATH` first (printed when a non-empty entry found it).
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
            } else if let (found, viaEntry) = searchCDPath(for: operand) {
                requested = found
                printNewDirectory = viaEntry
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
        let fileSystem = session.fileSystem
        do throws(Errno) {
            if FileKind(mode: try fileSystem.status(target, true).mode) != .directory {
                return await builtinError("cd", "\(requested): Not a directory")
            }
            try fileSystem.access(target, .execute)
        } catch {
            return await builtinError("cd", "\(requested): \(error.description)")
        }
        if physical, let resolved = target.withLosslessCString({ realpath($0, nil) }) {
            target = String(losslessCString: resolved)
            free(resolved)
        }
        state.variables["OLDPWD"] = state.workingDirectory
        state.variables["PWD"] = target
        state.variables.export("PWD")
        state.variables.export("OLDPWD")
        state.workingDirectory = target
        state.programs.directoryChanged()
        if printNewDirectory { return await writeOutput(target + "\n", builtin: "cd") }
        return 0
    }

    /// The first `$CDPATH` entry under which `operand` is a directory, as dash searches: not for
    /// `/…`, `.`, `..`, `./…`, `../…`; an empty entry is the working directory. `viaEntry`: a
    /// non-empty entry found it (cd then prints where it went). nil: cd tries `operand` itself.
    private func searchCDPath(for operand: String) -> (path: String, viaEntry: Bool)? {
        guard let cdpath = state.variables["CDPATH"], !operand.isEmpty, !operand.hasPrefix("/") else { return nil }
        let first = operand.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if first == "." || first == ".." { return nil }
        for entry in cdpath.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = entry.isEmpty ? operand : "\(entry)/\(operand)"
            let located = PathLookup.absolute(candidate, in: state.workingDirectory)
            if session.fileSystem.kind(of: located) == .directory {
                return (candidate, !entry.isEmpty)
            }
        }
        return nil
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

extension Executor {
    /// `umask [-S] [mode]`: the mask is the process's (cpl runs every context in one process, so a
    /// subshell's `umask` is seen by its parent: a documented difference from sh).
    func umaskBuiltin(_ operands: [String]) async -> Int32 {
        var symbolic = false
        var rest = operands[...]
        if rest.first == "-S" {
            symbolic = true
            rest = rest.dropFirst()
        }
        let current = umask(0)
        umask(current)
        guard let mode = rest.first else {
            if symbolic {
                let allowed = ~current & 0o777
                let parts = [("u", 6), ("g", 3), ("o", 0)].map { who, shift in
                    let bits = (allowed >> mode_t(shift)) & 7
                    return who + "=" + (bits & 4 != 0 ? "r" : "") + (bits & 2 != 0 ? "w" : "") + (bits & 1 != 0 ? "x" : "")
                }
                return await writeOutput(parts.joined(separator: ",") + "\n", builtin: "umask")
            }
            let octal = String(current, radix: 8)
            return await writeOutput(String(repeating: "0", count: max(0, 4 - octal.count)) + octal + "\n", builtin: "umask")
        }
        if let value = mode_t(mode, radix: 8), mode.allSatisfy({ ("0"..."7").contains($0) }) {
            umask(value & 0o777)
            return 0
        }
        guard let value = Executor.symbolicMask(mode, current: current) else {
            return await builtinError("umask", "Illegal mode: \(mode)")
        }
        umask(value)
        return 0
    }

    /// `u=rwx,g=rx,o=` / `g+w` / `o-r`: the new mask, from the permissions it allows.
    static func symbolicMask(_ text: String, current: mode_t) -> mode_t? {
        var allowed = ~current & 0o777
        for clause in text.split(separator: ",", omittingEmptySubsequences: false) {
            var characters = clause[...]
            var who: mode_t = 0
            while let first = characters.first, "ugoa".contains(first) {
                switch first {
                case "u": who |= 0o700
                case "g": who |= 0o070
                case "o": who |= 0o007
                default: who |= 0o777
                }
                characters = characters.dropFirst()
            }
            if who == 0 { who = 0o777 }
            guard let op = characters.first, "=+-".contains(op) else { return nil }
            characters = characters.dropFirst()
            var bits: mode_t = 0
            for permission in characters {
                switch permission {
                case "r": bits |= 0o444
                case "w": bits |= 0o222
                case "x": bits |= 0o111
                default: return nil
                }
            }
            bits &= who
            switch op {
            case "=": allowed = (allowed & ~who) | bits
            case "+": allowed |= bits
            default: allowed &= ~bits
            }
        }
        return ~allowed & 0o777
    }
}

extension Executor {
    /// `times`: the user and system time of the shell, then of its children (`0m0.010000s …`).
    func times() async -> Int32 {
        func line(_ who: Int32) -> String {
            var usage = rusage()
            getrusage(who, &usage)
            func format(_ time: timeval) -> String {
                let seconds = Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
                let minutes = Int(seconds / 60)
                let rest = seconds - Double(minutes * 60)
                let milliseconds = Int((rest * 1000).rounded())
                return "\(minutes)m\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst())000s"
            }
            return format(usage.ru_utime) + " " + format(usage.ru_stime) + "\n"
        }
        return await writeOutput(line(RUSAGE_SELF.rawValue) + line(RUSAGE_CHILDREN.rawValue), builtin: "times")
    }
}

