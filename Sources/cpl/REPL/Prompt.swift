import CPL
import ChildProcess
import Glibc

/// The prompt. Without `PS1`: the working directory (`~` for home) and the
/// last status when it is not 0, as in `~/src [1]$ `. `PS1` may use
/// `\w` (cwd), `\W` (its last part), `\u` (user), `\h` (host), `\?` (last
/// status), `\$` (`#` for root, else `$`), `\e` (escape), `\[` `\]` (around
/// invisible sequences such as colours), `\n` and `\\`. `PS2` is the
/// continuation prompt (`> `).
struct Prompt {
    let variables: [String: String]
    let workingDirectory: String
    let status: Int32

    var primary: String {
        guard let format = variables["PS1"] else {
            let status = self.status == 0 ? "" : " [\(self.status)]"
            return "\(abbreviatedDirectory)\(status)\(getuid() == 0 ? "#" : "$") "
        }
        return expand(format)
    }

    var continuation: String { variables["PS2"].map(expand) ?? "> " }

    private var abbreviatedDirectory: String {
        guard let home = variables["HOME"], !home.isEmpty, home != "/" else { return workingDirectory }
        if workingDirectory == home { return "~" }
        if workingDirectory.hasPrefix(home + "/") { return "~" + workingDirectory.dropFirst(home.count) }
        return workingDirectory
    }

    func expand(_ format: String) -> String {
        var result = ""
        var escaped = false
        for character in format {
            guard escaped else {
                if character == "\\" { escaped = true } else { result.append(character) }
                continue
            }
            escaped = false
            switch character {
            case "w": result += abbreviatedDirectory
            case "W": result += workingDirectory == "/" ? "/" : String(abbreviatedDirectory.split(separator: "/").last ?? "/")
            case "u": result += variables["USER"] ?? UserDatabase.account(userID: getuid())?.name ?? "?"
            case "h": result += Prompt.hostName
            case "?": result += String(status)
            case "$": result += getuid() == 0 ? "#" : "$"
            case "e": result += "\u{1B}"
            case "[": result += "\u{01}"  // readline's RL_PROMPT_START_IGNORE
            case "]": result += "\u{02}"  // RL_PROMPT_END_IGNORE
            case "n": result += "\n"
            case "\\": result += "\\"
            default: result += "\\" + String(character)
            }
        }
        return escaped ? result + "\\" : result
    }

    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(String(losslessCString: buffer).split(separator: ".").first ?? "localhost")
    }
}
