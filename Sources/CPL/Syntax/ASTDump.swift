// Debug descriptions of the AST, for tests and `--plan`.
//
// Word parts (joined by `+` when a word has several):
//     lit"a"  sq"b"  esc"*"  dq[lit"x"+$X]  tilde  tilde(bob)
//     $X  ${X}  ${#X}  ${X:-lit"d"}  $(…)  `…`
// A word with no parts is shown as `<empty>`.
//
// `compactDescription` puts a whole program on one line:
//     A=lit"1" lit"echo" 2>lit"f" | lit"cat" && ! lit"b" &; ( lit"c" ) >lit"out"
// `treeDescription` shows one node per line with source ranges.

extension String {
    /// Quoted for a dump: `"…"` with `\`, `"`, newline and tab escaped.
    var dumpQuoted: String {
        var result = "\""
        for character in self {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result + "\""
    }
}

extension WordPart: CustomStringConvertible {
    public var description: String {
        switch self {
        case .literal(let text): "lit" + text.dumpQuoted
        case .singleQuoted(let text): "sq" + text.dumpQuoted
        case .escaped(let character): "esc" + String(character).dumpQuoted
        case .doubleQuoted(let parts): "dq[" + parts.partsDescription + "]"
        case .parameter(let expansion): expansion.description
        case .commandSubstitution(let substitution): substitution.description
        case .arithmetic(let arithmetic): "arith[" + arithmetic.parts.partsDescription + "]"
        case .tilde(let user): user.map { "tilde(\($0))" } ?? "tilde"
        }
    }
}

extension [WordPart] {
    var partsDescription: String {
        isEmpty ? "<empty>" : map(\.description).joined(separator: "+")
    }
}

extension ParameterExpansion: CustomStringConvertible {
    public var description: String {
        guard braced else { return "$" + name }
        switch op {
        case nil: return "${\(name)}"
        case .length: return "${#\(name)}"
        case let op?:
            let replaced = replacement.map { "/" + $0.parts.partsDescription } ?? ""
            return "${\(name)\(op.symbol)\((argument?.parts ?? []).partsDescription)\(replaced)}"
        }
    }
}

extension CommandSubstitution: CustomStringConvertible {
    public var description: String {
        backquoted ? "`\(program.compactDescription)`" : "$(\(program.compactDescription))"
    }
}

extension Word: CustomStringConvertible {
    public var description: String { parts.partsDescription }
}

extension Redirection: CustomStringConvertible {
    public var description: String {
        let prefix = (fd.map(String.init) ?? "") + op.rawValue
        switch target {
        case .word(let word):
            return prefix + word.description
        case .hereDocument(let document):
            let flags = document.quoted ? " quoted" : ""
            return prefix + "heredoc(\(document.delimiter.dumpQuoted)\(flags): \(document.parts.partsDescription))"
        }
    }
}

extension Assignment: CustomStringConvertible {
    public var description: String { "\(name)=\(value.description)" }
}

extension Command: CustomStringConvertible {
    public var description: String {
        switch self {
        case .simple(let command):
            let pieces =
                command.assignments.map(\.description) + command.words.map(\.description)
                + command.redirections.map(\.description)
            return pieces.joined(separator: " ")
        case .subshell(let group):
            return (["( \(group.body.compactDescription) )"] + group.redirections.map(\.description))
                .joined(separator: " ")
        case .braceGroup(let group):
            let separator = group.body.items.last?.terminator == .sequential ? ";" : ""
            return (["{ \(group.body.compactDescription)\(separator) }"] + group.redirections.map(\.description))
                .joined(separator: " ")
        case .compound(let compound):
            return compound.text(word: \.description, program: \.compactDescription, redirection: \.description)
        case .functionDefinition(let function):
            return "\(function.name)() \(function.body.description)"
        }
    }
}

extension Pipeline: CustomStringConvertible {
    public var description: String {
        var text = negated ? "! " : ""
        for (index, stage) in stages.enumerated() {
            if index > 0 { text += pipeStderr[index - 1] ? " |& " : " | " }
            text += stage.description
        }
        return text
    }
}

extension AndOrList: CustomStringConvertible {
    public var description: String {
        rest.reduce(first.description) { $0 + " \($1.op.rawValue) " + $1.pipeline.description }
    }
}

extension ListItem: CustomStringConvertible {
    public var description: String {
        switch terminator {
        case .sequential: andOr.description
        case .background: andOr.description + " &"
        case .detached: andOr.description + " &!"
        }
    }
}

extension Program: CustomStringConvertible {
    /// The whole program on one line, items separated by `; ` (or a space
    /// after `&` and `&!`).
    public var compactDescription: String {
        var text = ""
        for (index, item) in items.enumerated() {
            if index > 0 { text += items[index - 1].terminator == .sequential ? "; " : " " }
            text += item.description
        }
        return text
    }

    public var description: String { compactDescription }

    /// One node per line, indented, with source ranges.
    public var treeDescription: String {
        var lines: [String] = []
        appendTree(to: &lines, indent: "")
        return lines.joined(separator: "\n") + "\n"
    }

    func appendTree(to lines: inout [String], indent: String) {
        lines.append("\(indent)program \(range)")
        for item in items {
            lines.append("\(indent)  item \(item.terminator.rawValue) \(item.range)")
            for (index, pipeline) in item.andOr.pipelines.enumerated() {
                let op = index == 0 ? "" : item.andOr.rest[index - 1].op.rawValue + " "
                lines.append("\(indent)    \(op)pipeline\(pipeline.negated ? " negated" : "") \(pipeline.range)")
                for (stageIndex, stage) in pipeline.stages.enumerated() {
                    if stageIndex > 0 {
                        lines.append("\(indent)      \(pipeline.pipeStderr[stageIndex - 1] ? "|&" : "|")")
                    }
                    stage.appendTree(to: &lines, indent: indent + "      ")
                }
            }
        }
    }
}

extension Command {
    func appendTree(to lines: inout [String], indent: String) {
        switch self {
        case .simple(let command):
            lines.append("\(indent)simple \(command.range)")
            for assignment in command.assignments {
                lines.append("\(indent)  assign \(assignment) \(assignment.range)")
            }
            for word in command.words {
                lines.append("\(indent)  word \(word) \(word.range)")
            }
            for redirection in command.redirections {
                lines.append("\(indent)  redirect \(redirection) \(redirection.range)")
            }
        case .subshell(let group), .braceGroup(let group):
            let kind = if case .subshell = self { "subshell" } else { "brace-group" }
            lines.append("\(indent)\(kind) \(group.range)")
            group.body.appendTree(to: &lines, indent: indent + "  ")
            for redirection in group.redirections {
                lines.append("\(indent)  redirect \(redirection) \(redirection.range)")
            }
        case .compound(let compound):
            lines.append("\(indent)\(compound.keyword) \(compound.range)")
            let inner = indent + "  "
            switch compound.body {
            case .ifClause(let clause):
                for branch in clause.branches {
                    lines.append("\(inner)condition")
                    branch.condition.appendTree(to: &lines, indent: inner + "  ")
                    lines.append("\(inner)then")
                    branch.body.appendTree(to: &lines, indent: inner + "  ")
                }
                if let elseBody = clause.elseBody {
                    lines.append("\(inner)else")
                    elseBody.appendTree(to: &lines, indent: inner + "  ")
                }
            case .loop(let loop):
                lines.append("\(inner)condition")
                loop.condition.appendTree(to: &lines, indent: inner + "  ")
                lines.append("\(inner)do")
                loop.body.appendTree(to: &lines, indent: inner + "  ")
            case .forLoop(let loop):
                lines.append("\(inner)name \(loop.name)")
                for word in loop.words ?? [] { lines.append("\(inner)word \(word) \(word.range)") }
                lines.append("\(inner)do")
                loop.body.appendTree(to: &lines, indent: inner + "  ")
            case .caseClause(let clause):
                lines.append("\(inner)word \(clause.word) \(clause.word.range)")
                for item in clause.items {
                    lines.append("\(inner)item \(item.patterns.map(\.description).joined(separator: " | ")) \(item.range)")
                    item.body.appendTree(to: &lines, indent: inner + "  ")
                }
            }
            for redirection in compound.redirections {
                lines.append("\(inner)redirect \(redirection) \(redirection.range)")
            }
        case .functionDefinition(let function):
            lines.append("\(indent)function \(function.name) \(function.range)")
            function.body.appendTree(to: &lines, indent: indent + "  ")
        }
    }
}
