import Glibc
import Testing
@testable import CPL

/// A context with no processes: variables in a dictionary, `$(…)` answered
/// by a closure.
struct TestExpansionContext: ExpansionContext {
    var variables: [String: String] = [:]
    var positionalParameters: [String] = []
    var scriptName = "test.cpl"
    var lastStatus: Int32 = 0
    var lastBackgroundProcessID: Int32?
    var treatsUnsetVariablesAsErrors = false
    var workingDirectory = "/"
    var homes: [String: String] = [:]
    var substitute: (String) -> String = { _ in "" }
    var substituted: [String] = []

    func variable(_ name: String) -> String? { variables[name] }
    mutating func assignVariable(_ name: String, _ value: String?) { variables[name] = value }
    var shellProcessID: Int32 { 4242 }

    func homeDirectory(ofUser user: String?) -> String? {
        guard let user else { return variables["HOME"] }
        return homes[user]
    }

    mutating func substituteCommand(_ substitution: CommandSubstitution) async throws(ExpansionError) -> String {
        // The first simple command's words, as text: enough to identify the substitution.
        let words = substitution.program.items.first.flatMap { item -> String? in
            guard case .simple(let command) = item.andOr.first.stages.first else { return nil }
            return command.words.map(\.sourceText).joined(separator: " ")
        } ?? ""
        substituted.append(words)
        return substitute(words)
    }
}

/// The argument fields of the words of `source` (after the command name `cmd`).
func expandFields(
    _ source: String, _ context: TestExpansionContext = TestExpansionContext(),
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> [String] {
    guard let command = simpleCommand("cmd " + source, sourceLocation: sourceLocation) else { return [] }
    var expander = WordExpander(context: context)
    do {
        return try await expander.fields(Array(command.words.dropFirst()))
    } catch {
        Issue.record("expansion failed: \(error)", sourceLocation: sourceLocation)
        return []
    }
}

/// The error expanding `source`, or nil.
func expansionError(_ source: String, _ context: TestExpansionContext) async -> ExpansionError? {
    guard let command = simpleCommand("cmd " + source) else { return nil }
    var expander = WordExpander(context: context)
    do {
        _ = try await expander.fields(Array(command.words.dropFirst()))
        return nil
    } catch {
        return error
    }
}

