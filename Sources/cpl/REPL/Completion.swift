import CPL
import ChildProcess
@preconcurrency import CReadline
import Glibc

/// Tab completion: program names from PATH and builtins at command position,
/// `$NAME` after `$`, file names elsewhere (special characters, spaces
/// included, escaped with a backslash as sh reads them back).
enum Completion {
    /// The interpreter whose variables, PATH and builtins are completed. Main thread only.
    nonisolated(unsafe) static var interpreter: Interpreter?
    nonisolated(unsafe) private static var matches: [String] = []

    /// Characters that need a backslash in a completed file name.
    private static let special = " \t\n\"\\'`$><=;|&(){}*?[]#~!"

    static func install(for interpreter: Interpreter) {
        Completion.interpreter = interpreter
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n\"'`><;|&(){}"))
        rl_completer_quote_characters = UnsafePointer(strdup("'\""))
        rl_filename_quote_characters = UnsafePointer(strdup(special))
        // readline expands `~user` in file names with getpwnam, which crashes the static binary
        // (NSS): answer from /etc/passwd. An unknown user gets `~user` back, a directory that does
        // not exist, so nothing matches (nil would fall back to getpwnam).
        tilde_expansion_preexpansion_hook = { user in
            guard let user else { return nil }
            let name = String(losslessCString: user)
            return (HomeDirectory.lookup(user: name) ?? "~" + name).withLosslessCString(strdup)
        }
        rl_char_is_quoted_p = { text, index in
            // A character after an unescaped backslash does not break words.
            guard let text, index > 0 else { return 0 }
            var backslashes = 0
            var position = Int(index) - 1
            while position >= 0, text[position] == CChar(UInt8(ascii: "\\")) {
                backslashes += 1
                position -= 1
            }
            return backslashes % 2 == 1 ? 1 : 0
        }
        rl_filename_quoting_function = { text, _, quotePointer in
            guard let text else { return nil }
            // Inside quotes the user opened, readline closes them itself.
            if let quotePointer, quotePointer.pointee != 0 { return strdup(text) }
            return Completion.escape(String(losslessCString: text)).withLosslessCString(strdup)
        }
        rl_filename_dequoting_function = { text, _ in
            guard let text else { return nil }
            return Completion.unescape(String(losslessCString: text)).withLosslessCString(strdup)
        }
        rl_filename_stat_hook = { name in
            // readline stats matches to mark directories: relative to the interpreter's cwd, not ours.
            guard let name, let relative = name.pointee, relative.pointee != CChar(UInt8(ascii: "/")),
                let here = Completion.interpreter?.workingDirectory
            else { return 0 }
            let absolute = (here + "/" + String(losslessCString: relative)).withLosslessCString(strdup)
            free(relative)
            name.pointee = absolute
            return 1
        }
        rl_attempted_completion_function = { text, start, _ in
            let word = text.map { String(losslessCString: $0) } ?? ""
            rl_attempted_completion_over = 1  // no fallback to readline's own file names
            Completion.matches = Completion.candidates(
                for: word, atCommandPosition: Completion.isCommandPosition(Int(start)))
            guard !Completion.matches.isEmpty else { return nil }
            return rl_completion_matches(text) { _, state in
                if state == 0 { Completion.cursor = 0 }
                guard Completion.cursor < Completion.matches.count else { return nil }
                defer { Completion.cursor += 1 }
                return Completion.matches[Completion.cursor].withLosslessCString(strdup)
            }
        }
    }

    nonisolated(unsafe) private static var cursor = 0

    static func candidates(for word: String, atCommandPosition: Bool) -> [String] {
        guard let interpreter else { return [] }
        if word.hasPrefix("$"), let slash = word.firstIndex(of: "/") {
            // `$HOME/.ba`: a path under a variable's value, the `$HOME` kept as typed.
            let written = word[..<slash]
            let name = written.dropFirst().trimmingCharacters(in: "{}")
            guard let value = interpreter.variable(name) else { return [] }
            return fileNames(starting: value + word[slash...]).map { String(written) + $0.dropFirst(value.count) }
        }
        if word.hasPrefix("$") {
            let prefix = word.dropFirst().hasPrefix("{") ? "${" : "$"
            let partial = word.dropFirst(prefix.count)
            let suffix = prefix == "${" ? "}" : ""
            return interpreter.variables.keys.filter { $0.hasPrefix(partial) }.sorted().map { prefix + $0 + suffix }
        }
        if atCommandPosition, !word.contains("/") {
            return commandNames(starting: word, interpreter: interpreter)
        }
        return fileNames(starting: word)
    }

    static func commandNames(starting prefix: String, interpreter: Interpreter) -> [String] {
        rl_filename_completion_desired = 0
        return interpreter.commandNames(startingWith: prefix)
    }

    /// readline's file-name generator (it knows `~`, marks directories with `/`
    /// and asks for quoting), relative to the interpreter's directory.
    static func fileNames(starting word: String) -> [String] {
        let here = Completion.interpreter?.workingDirectory ?? "/"
        var names: [String] = []
        // The interpreter's cwd is not the process's: complete relative names against it.
        let relative = !word.hasPrefix("/") && !word.hasPrefix("~")
        let query = relative ? here + "/" + word : word
        var state: Int32 = 0
        while let match = query.withLosslessCString({ rl_filename_completion_function($0, state) }) {
            var name = String(losslessCString: match)
            free(match)
            if relative { name = String(name.unicodeScalars.dropFirst(here.unicodeScalars.count + 1)) }
            names.append(name)
            state += 1
        }
        rl_filename_completion_desired = 1
        return names.sorted()
    }

    /// Is the word starting at `start` in command position: first on the line,
    /// or after `|`, `&`, `;`, `(`, `{`, `!` or another command's `&&`/`||`?
    static func isCommandPosition(_ start: Int) -> Bool {
        guard let buffer = rl_line_buffer else { return true }
        // `start` counts bytes of the line buffer.
        let before = UnsafeBufferPointer(start: buffer, count: min(start, strlen(buffer))).map { UInt8(bitPattern: $0) }
        guard let last = before.reversed().first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) else {
            return true
        }
        return "|&;({!\n".utf8.contains(last)
    }

    /// A leading `~`, `~user`, `$NAME` or `${NAME}` before the first `/` stays as written: the
    /// shell expands it (`ls ~/.bashrc`, not `ls \~/.bashrc`).
    static func escape(_ name: String) -> String {
        var escaped = ""
        var rest = name[...]
        if name.hasPrefix("~") || name.hasPrefix("$"), let slash = name.firstIndex(of: "/") {
            escaped = String(name[..<slash])
            rest = name[slash...]
        }
        for character in rest {
            if special.contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func unescape(_ text: String) -> String {
        var result = ""
        var pendingBackslash = false
        for character in text {
            if character == "\\" && !pendingBackslash {
                pendingBackslash = true
                continue
            }
            pendingBackslash = false
            result.append(character)
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
