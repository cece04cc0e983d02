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

/// A fresh temporary directory (removed by `removeTree`).
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/cpl-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: path!)
}

/// Close-on-exec: a child that another test starts meanwhile must not keep the file open for
/// writing (running it would then fail with ETXTBSY).
func createFile(_ path: String, _ contents: String = "", mode: mode_t = 0o644) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    _ = contents.withCString { write(fd, $0, strlen($0)) }
    close(fd)
    chmod(path, mode)
}

func readFileText(_ path: String) -> String? {
    readFileBytes(path).map { String(decoding: $0, as: UTF8.self) }
}

func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return bytes
}

func removeTree(_ path: String) {
    var status: Int32 = 0
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("rm"), strdup("-rf"), strdup(path), nil]
    posix_spawnp(&pid, "rm", nil, nil, argv, environ)
    waitpid(pid, &status, 0)
    argv.forEach { free($0) }
}
