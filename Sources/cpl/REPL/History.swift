import CPL
@preconcurrency import CReadline
import ChildProcess
import Glibc

/// The REPL's history: `$CPL_HISTORY`, else `~/.cpl_history`. Each accepted
/// line is appended to the file at once, so a crash loses nothing; empty
/// lines and a repeat of the line before are not recorded.
struct History {
    let path: String?
    /// Lines kept in memory and in the file.
    static let limit: Int32 = 10_000

    init(environment: [String: String]) {
        if let path = environment["CPL_HISTORY"], !path.isEmpty {
            self.path = path
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.cpl_history"
        } else {
            path = nil
        }
        using_history()
        stifle_history(History.limit)
        if let path {
            path.withLosslessCString { path in
                history_truncate_file(path, History.limit)
                read_history(path)
            }
        }
    }

    mutating func record(_ line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        if history_length > 0, let last = history_get(history_base + history_length - 1),
            let text = last.pointee.line, String(losslessCString: text) == line
        {
            return
        }
        line.withLosslessCString { add_history($0) }
        guard let path else { return }
        path.withLosslessCString { path in
            // append_history needs an existing file: create it the first time (or if it went away).
            if append_history(1, path) != 0 {
                let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                if fd >= 0 { close(fd) }
                append_history(1, path)
            }
        }
    }

    /// The history entry for a command typed as `lines` (each ending in a newline): on one line
    /// when that means the same (`for i in 1 2; do echo $i; done`), as readline's history file
    /// keeps one line per entry; as typed when not (a here-document, a comment).
    static func entry(forLines lines: String) -> String {
        let parts = lines.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard parts.count > 1 else { return String(parts.first ?? "") }
        let joined = parts.enumerated().reduce(into: "") { text, element in
            let (index, line) = element
            let trimmed = line.trimmingBlanks
            if index == 0 { text = String(trimmed); return }
            guard !trimmed.isEmpty else { return }
            // After these a `;` would be a syntax error; the parse below checks the rest.
            let last = text.split(separator: " ").last.map(String.init) ?? ""
            let continues = ["then", "do", "else", "{", "(", "|", "&&", "||", "in"].contains(last)
                || last.hasSuffix(";") || last.hasSuffix("&") || last.hasSuffix(")")
            text += (continues ? " " : "; ") + trimmed
        }
        let original = try? Parser.parse(lines, fileName: "")
        guard let original, let rejoined = try? Parser.parse(joined, fileName: ""),
            rejoined.compactDescription == original.compactDescription
        else { return String(lines.dropLast()) }
        return joined
    }
}

extension Substring {
    fileprivate var trimmingBlanks: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first...last]
    }
}
