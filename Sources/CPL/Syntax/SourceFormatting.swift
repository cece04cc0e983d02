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
        case .compound(let compound):
            return compound.text(word: \.sourceText, program: \.sourceText, redirection: \.sourceText)
        case .functionDefinition(let function):
            return "\(function.name)() \(function.body.sourceText)"
        }
    }
}

extension CompoundCommand {
    /// The command on one line, its words, lists and redirections rendered by the given functions
    /// (the source text, or the AST description).
    func text(
        word: (Word) -> String, program: (Program) -> String, redirection: (Redirection) -> String
    ) -> String {
        func list(_ body: Program) -> String {
            program(body) + (body.items.last?.terminator == .sequential ? ";" : "")
        }
        var text: String
        switch body {
        case .ifClause(let clause):
            text = ""
            for (index, branch) in clause.branches.enumerated() {
                text += (index == 0 ? "if " : " elif ") + list(branch.condition) + " then " + list(branch.body)
            }
            if let elseBody = clause.elseBody { text += " else " + list(elseBody) }
            text += " fi"
        case .loop(let loop):
            text = keyword + " " + list(loop.condition) + " do " + list(loop.body) + " done"
        case .forLoop(let loop):
            text = "for " + loop.name
            if let words = loop.words { text += " in" + words.map { " " + word($0) }.joined() + ";" }
            text += " do " + list(loop.body) + " done"
        case .caseClause(let clause):
            text = "case " + word(clause.word) + " in"
            for item in clause.items {
                text += " " + item.patterns.map(word).joined(separator: " | ") + ") "
                text += item.body.items.isEmpty ? ";;" : program(item.body) + " ;;"
            }
            text += " esac"
        }
        return ([text] + redirections.map(redirection)).joined(separator: " ")
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
