import ChildProcess

/// The stable, readable text form of a `Plan` (what `cpl --plan` prints).
///
///     job 1 (foreground) at 2:1: ps ax | grep -c .
///       pipeline
///         stage 1: program 'ps' 'ax'
///           1> pipe 1
///         stage 2: program 'grep' '-c' '.'
///           0< pipe 1
///
/// Arguments are single-quoted when they need it; descriptor steps use sh
/// notation in the order they are applied.
extension Plan {
    public var rendered: String {
        var out = ""
        if hasUnevaluatedSubstitutions {
            out += "# $(…) is shown as written: --plan runs nothing.\n"
        }
        if hasRunTimeValues {
            out += "# $NAME stands for a value known only when it runs (a loop variable, a function's parameters, what read sets…).\n"
        }
        render(into: &out, indent: "")
        return out
    }

    func render(into out: inout String, indent: String) {
        for (index, job) in jobs.enumerated() {
            out += "\(indent)job \(index + 1) (\(job.mode.rawValue)) at \(job.range.start): \(job.sourceText)\n"
            switch job.mode {
            case .foreground: break
            case .background: out += "\(indent)  own process group; 0< /dev/null unless redirected\n"
            case .detached: out += "\(indent)  new session, not waited for; 0< 1> 2> /dev/null unless redirected\n"
            }
            for pipeline in job.pipelines {
                var header = "\(indent)  "
                if let connector = pipeline.connector { header += connector.rawValue + " " }
                header += pipeline.negated ? "! pipeline" : "pipeline"
                out += header + "\n"
                for (number, stage) in pipeline.stages.enumerated() {
                    stage.render(number: number + 1, into: &out, indent: indent + "    ")
                }
            }
        }
    }
}

extension PlannedStage {
    func render(number: Int, into out: inout String, indent: String) {
        var line = "\(indent)stage \(number): "
        switch action {
        case .program(let arguments): line += "program " + RemoteShell.commandLine(arguments)
        case .builtin(let arguments): line += "builtin " + RemoteShell.commandLine(arguments)
        case .subshell: line += "subshell ( … )"
        case .group: line += "group { … }"
        case .compound(let compound): line += compound.planHeader
        case .function(let arguments): line += "function " + RemoteShell.commandLine(arguments)
        case .defineFunction(let definition): line += "define function \(definition.name)()"
        case .assignmentsOnly: line += assignments.isEmpty ? "redirections only" : "set variables"
        case .expansionFailed(let error): line += "expansion error: \(error.message)"
        case .remote(let remote): line += remote.planHeader
        }
        out += line + "\n"
        if case .remote(let remote) = action { out += remote.planLines(indent: indent + "  ") }
        let assignmentPrefix: String
        switch action {
        case .assignmentsOnly: assignmentPrefix = "set "
        default: assignmentPrefix = "env "
        }
        for assignment in assignments {
            out += "\(indent)  \(assignmentPrefix)\(assignment.name)=\(RemoteShell.quote(argument: assignment.value))\n"
        }
        for descriptor in descriptors {
            out += "\(indent)  \(descriptor.rendered)\n"
        }
        if descriptors.count > 1, let table = DescriptorAction.resolve(descriptors) {
            // The net effect when several steps combine (`3>&1 1>&2 2>&3 3>&-`).
            let summary = table.keys.sorted().map { "\($0): \(table[$0]!)" }.joined(separator: ", ")
            out += "\(indent)  = \(summary)\n"
        }
        if let body {
            body.render(into: &out, indent: indent + "  ")
        }
        for section in sections {
            out += "\(indent)  \(section.header)\n"
            section.plan.render(into: &out, indent: indent + "    ")
        }
    }
}

extension DescriptorAction {
    /// `1> pipe 2`, `2>&1`, `3>&-`, `1> 'out.txt' (truncate)`.
    public var rendered: String {
        switch self {
        case .pipe(let fd, let pipe, let end):
            return end == .read ? "\(fd)< pipe \(pipe + 1)" : "\(fd)> pipe \(pipe + 1)"
        case .open(let fd, let path, let mode):
            let op: String
            switch mode {
            case .read: op = "<"
            case .truncate: op = ">"
            case .noclobber: op = "> (noclobber)"
            case .append: op = ">>"
            case .readWrite: op = "<>"
            }
            return "\(fd)\(op) \(RemoteShell.quote(argument: path))"
        case .duplicate(let fd, let source):
            return "\(fd)>&\(source)"
        case .close(let fd):
            return "\(fd)>&-"
        case .hereDocument(let fd, let text):
            return "\(fd)<< here-document \(ShellQuoting.escaped(text))"
        case .invalid(let fd, let message):
            return "\(fd): error: \(message)"
        }
    }
}

/// Here-document bodies for display. Words are quoted by `RemoteShell`, whose rule remote stages
/// use too: `quote(argument:)`, and `commandLine` for a command's words.
public enum ShellQuoting {
    /// `"text"` on one line: `\n`, `\t`, `\\` and `\"` escaped (here-document bodies).
    /// Scalar by scalar: `\r\n` is one Character, yet its `\n` must be escaped.
    public static func escaped(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        result.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n".unicodeScalars
            case "\t": result += "\\t".unicodeScalars
            case "\\": result += "\\\\".unicodeScalars
            case "\"": result += "\\\"".unicodeScalars
            default: result.append(scalar)
            }
        }
        result.append("\"")
        return String(result)
    }
}

extension CompoundCommand {
    /// The stage line of a compound command: its keyword and, for `for` and `case`, its words
    /// as written (the planner lists their expansions in the sections).
    var planHeader: String {
        switch body {
        case .ifClause, .loop: keyword
        case .forLoop(let loop): "for \(loop.name) in " + (loop.words?.map(\.sourceText).joined(separator: " ") ?? "\"$@\"")
        case .caseClause(let clause): "case \(clause.word.sourceText) in"
        }
    }
}

