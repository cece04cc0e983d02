// Shell-like text of AST nodes, built from the words' source text: for
// `set -x`-style traces of unexpanded commands and plan printing.
//
//     A=1 echo "$x" 2>&1 | cat && { b; } &
//
// Separators are normalised (one space, `; ` between items); within a
// simple command, assignments come first, then words, then redirections
// (each group in source order). Here-documents print as `<<DELIM` (quoted
// delimiters as `<<'DELIM'`); their bodies are not included.

extension Redirection {
    public var sourceText: String {
        let prefix = (fd.map(String.init) ?? "") + op.rawValue
        switch target {
        case .word(let word):
            return prefix + word.sourceText
        case .hereDocument(let document):
            return prefix + (document.quoted ? "'\(document.delimiter)'" : document.delimiter)
        }
    }
}

extension Assignment {
    public var sourceText: String { "\(name)=\(value.sourceText)" }
}

extension Command {
    public var sourceText: String {
        switch self {
        case .simple(let command):
            return command.sourceText
        case .subshell(let group):
            return (["( \(group.body.sourceText) )"] + group.redirections.map(\.sourceText)).joined(separator: " ")
        case .braceGroup(let group):
            let separator = group.body.items.last?.terminator == .sequential ? ";" : ""
            return (["{ \(group.body.sourceText)\(separator) }"] + group.redirections.map(\.sourceText))
                .joined(separator: " ")
        }
    }
}

extension SimpleCommand {
    public var sourceText: String {
        (assignments.map(\.sourceText) + words.map(\.sourceText) + redirections.map(\.sourceText))
            .joined(separator: " ")
    }
}

extension Pipeline {
    public var sourceText: String {
        var text = negated ? "! " : ""
        for (index, stage) in stages.enumerated() {
            if index > 0 { text += pipeStderr[index - 1] ? " |& " : " | " }
            text += stage.sourceText
        }
        return text
    }
}

extension AndOrList {
    public var sourceText: String {
        rest.reduce(first.sourceText) { $0 + " \($1.op.rawValue) " + $1.pipeline.sourceText }
    }
}

extension ListItem {
    public var sourceText: String {
        switch terminator {
        case .sequential: andOr.sourceText
        case .background: andOr.sourceText + " &"
        case .detached: andOr.sourceText + " &!"
        }
    }
}

extension Program {
    public var sourceText: String {
        var text = ""
        for (index, item) in items.enumerated() {
            if index > 0 { text += items[index - 1].terminator == .sequential ? "; " : " " }
            text += item.sourceText
        }
        return text
    }
}
