import Testing
@testable import CPL

/// Parses `source` (file name `t.cpl`), recording an issue on failure.
func parsed(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Program? {
    do {
        return try Parser.parse(source, fileName: "t.cpl")
    } catch {
        Issue.record("unexpected parse error: \(error.summary)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The one-line dump of a parsed program (or "<error>").
func compactDump(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    parsed(source, sourceLocation: sourceLocation)?.compactDescription ?? "<error>"
}

/// The error for `source`, recording an issue if it parses.
func syntaxError(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> ParseError? {
    do {
        let program = try Parser.parse(source, fileName: "t.cpl")
        Issue.record("expected a parse error, got: \(program.compactDescription)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The single simple command of a one-command program.
func simpleCommand(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> SimpleCommand? {
    guard let program = parsed(source, sourceLocation: sourceLocation) else { return nil }
    guard program.items.count == 1, program.items[0].andOr.rest.isEmpty,
        program.items[0].andOr.first.stages.count == 1,
        case .simple(let command) = program.items[0].andOr.first.stages[0]
    else {
        Issue.record("not a single simple command: \(program.compactDescription)", sourceLocation: sourceLocation)
        return nil
    }
    return command
}

/// The parts of the word at `index` of a single simple command.
func wordParts(_ source: String, _ index: Int = 0, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [WordPart] {
    guard let command = simpleCommand(source, sourceLocation: sourceLocation), index < command.words.count else {
        return []
    }
    return command.words[index].parts
}

/// The here-document of the first redirection of the first command.
func firstHereDocument(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> HereDocument? {
    guard let program = parsed(source, sourceLocation: sourceLocation),
        let redirection = program.items.first?.andOr.first.stages.first?.redirections.first,
        case .hereDocument(let document) = redirection.target
    else {
        Issue.record("no here-document", sourceLocation: sourceLocation)
        return nil
    }
    return document
}

func srcLoc(_ line: Int, _ column: Int, _ offset: Int) -> CPL.SourceLocation {
    CPL.SourceLocation(offset: offset, line: line, column: column)
}
