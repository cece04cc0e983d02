// Differential tests: every case in cases*.txt runs under dash (the oracle) and under the built
// `cpl`, each in a fresh temporary directory, and stdout, exit status and the files left behind
// must be identical. cpl-only cases (features dash lacks) check stated expectations instead.
//
//   swift build --scratch-path .build-diff
//   swift test  --scratch-path .build-diff --filter CommandTests.Differential
//
// Environment knobs:
//   CPL_BIN=/path/to/cpl   use this binary instead of the one next to the test bundle
//   CPL_DIFF_JOBS=N        how many cases run at once (default: number of cores, at least 2)
//   CPL_DIFF_CASES=FILE    load cases from FILE only instead of every cases*.txt
//   CPL_DIFF_BASH=1        also run the oracle check: dash vs `bash --posix` on every shared
//                          case (except #@ bash-differs), and plain bash on #@ bash-oracle cases

import Foundation
import Testing

enum Shells {
    static let dash = ShellCommand(label: "dash", executable: "/bin/dash")
    static let bashPOSIX = ShellCommand(label: "bash --posix", executable: "/bin/bash", leadingArguments: ["--posix"])
    static let bash = ShellCommand(label: "bash", executable: "/bin/bash")

    static var cpl: ShellCommand? { BuiltCPL.path.map { ShellCommand(label: "cpl", executable: $0) } }
}

/// Bounds how many cases spawn processes at once (the machine has 2 shared cores).
actor RunLimiter {
    static let shared = RunLimiter(
        limit: Int(ProcessInfo.processInfo.environment["CPL_DIFF_JOBS"] ?? "") ?? max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let limit: Int
    private var running = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire() async {
        if running < limit { running += 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { running -= 1 } else { waiters.removeFirst().resume() }
    }
}

/// Runs a case under the given shells, sequentially, on a dedicated thread (the blocking
/// poll/waitpid loop must not occupy the cooperative pool), bounded by RunLimiter.
func runCase(_ c: DifferentialCase, under shells: [ShellCommand]) async -> [ShellResult] {
    await RunLimiter.shared.acquire()
    let results: [ShellResult] = await withCheckedContinuation { continuation in
        let thread = Thread {
            let results = shells.map {
                ShellRunner.run($0, script: c.script, arg0: c.arg0, args: c.args, stdin: c.stdin, timeout: c.timeout)
            }
            continuation.resume(returning: results)
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    await RunLimiter.shared.release()
    return results
}

// MARK: - Reporting

func describeCase(_ c: DifferentialCase) -> String {
    var s = "case \"\(c.name)\" (\(c.file):\(c.line))\n"
    s += "args: -c <script> \(([c.arg0] + c.args).map { debugQuote($0) }.joined(separator: " "))\n"
    if let stdin = c.stdin { s += "stdin: \(debugQuote(stdin))\n" }
    var lines = c.script.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    s += "script:\n" + lines.map { "  | " + $0 }.joined(separator: "\n")
    return s
}

func describeResult(_ label: String, _ r: ShellResult) -> String {
    var s = "── \(label): \(r.termination)\n"
    s += "   stdout: \(debugQuote(r.stdout))\n"
    s += "   stderr: \(debugQuote(r.stderr))\n"
    s += "   files:  " + (r.files.isEmpty ? "(none)" : r.files.joined(separator: "\n           "))
    return s
}

/// Differences between a reference run and a subject run, per the case's rules.
func compare(_ c: DifferentialCase, reference ref: ShellResult, refLabel: String,
             subject sub: ShellResult, subLabel: String) -> [String] {
    var diffs: [String] = []
    for (label, r) in [(refLabel, ref), (subLabel, sub)] {
        switch r.termination {
        case .timedOut, .spawnFailed: diffs.append("\(label): \(r.termination)")
        default: break
        }
    }
    switch c.status {
    case .same:
        if ref.termination != sub.termination { diffs.append("status: \(refLabel) \(ref.termination), \(subLabel) \(sub.termination)") }
    case .exactly(let n):
        for (label, r) in [(refLabel, ref), (subLabel, sub)] where r.termination != .exited(n) {
            diffs.append("status: \(label) \(r.termination), expected exit \(n)")
        }
    case .nonzero:
        for (label, r) in [(refLabel, ref), (subLabel, sub)] where r.termination == .exited(0) {
            diffs.append("status: \(label) exited 0, expected a failure")
        }
    }
    if ref.stdout != sub.stdout { diffs.append("stdout differs") }
    if let expected = c.expectedStdout {
        for (label, r) in [(refLabel, ref), (subLabel, sub)] where r.stdout != expected {
            diffs.append("\(label) stdout is not the expected \(debugQuote(expected))")
        }
    }
    if ref.files != sub.files {
        let onlyRef = ref.files.filter { !sub.files.contains($0) }
        let onlySub = sub.files.filter { !ref.files.contains($0) }
        diffs.append("files differ: only \(refLabel): \(onlyRef); only \(subLabel): \(onlySub)")
    }
    for (label, r) in [(refLabel, ref), (subLabel, sub)] {
        switch c.stderr {
        case .nonEmpty where r.stderr.isEmpty: diffs.append("\(label) stderr is empty, expected a message")
        case .empty where !r.stderr.isEmpty: diffs.append("\(label) stderr is not empty")
        default: break
        }
        if let expected = c.expectedStderr, r.stderr != expected {
            diffs.append("\(label) stderr is not the expected \(debugQuote(expected))")
        }
    }
    return diffs
}

/// Differences between a run and the case's stated expectations (cpl-only cases).
func checkExpectations(_ c: DifferentialCase, _ r: ShellResult, label: String) -> [String] {
    var diffs: [String] = []
    switch c.status {
    case .same, .exactly:
        let expected: Int32 = if case .exactly(let n) = c.status { n } else { 0 }
        if r.termination != .exited(expected) { diffs.append("status: \(r.termination), expected exit \(expected)") }
    case .nonzero:
        if r.termination == .exited(0) || r.termination.exitCode == nil { diffs.append("status: \(r.termination), expected a failure exit") }
    }
    if let expected = c.expectedStdout, r.stdout != expected {
        diffs.append("stdout \(debugQuote(r.stdout)), expected \(debugQuote(expected))")
    }
    if let expected = c.expectedStderr, r.stderr != expected {
        diffs.append("stderr \(debugQuote(r.stderr)), expected \(debugQuote(expected))")
    }
    switch c.stderr {
    case .nonEmpty where r.stderr.isEmpty: diffs.append("stderr is empty, expected a message")
    case .empty where !r.stderr.isEmpty: diffs.append("stderr is not empty")
    default: break
    }
    return diffs.map { "\(label): \($0)" }
}

// MARK: - Tests

@Suite("Differential: cpl vs dash")
struct DifferentialTests {
    @Test("the case corpus is well formed")
    func corpusIsWellFormed() {
        #expect(CaseCorpus.loaded.problems.isEmpty, "\(CaseCorpus.loaded.problems.joined(separator: "\n"))")
        if CaseCorpus.override == nil {
            #expect(CaseCorpus.all.count >= 900, "only \(CaseCorpus.all.count) cases in \(CaseCorpus.sourceFiles)")
        }
    }

    @Test("dash and cpl agree", arguments: CaseCorpus.differential)
    func agreesWithDash(_ c: DifferentialCase) async {
        guard let cpl = Shells.cpl else {
            Issue.record(Comment(rawValue: BuiltCPL.missingMessage))
            return
        }
        let results = await runCase(c, under: [Shells.dash, cpl])
        let (dash, cplResult) = (results[0], results[1])
        let diffs = compare(c, reference: dash, refLabel: "dash", subject: cplResult, subLabel: "cpl")
        if !diffs.isEmpty {
            Issue.record(Comment(rawValue: """
                cpl disagrees with dash: \(diffs.joined(separator: "; "))
                \(describeCase(c))
                \(describeResult("dash", dash))
                \(describeResult("cpl", cplResult))
                """))
        }
    }

    @Test("cpl-only features", arguments: CaseCorpus.cplOnly)
    func cplOnlyFeature(_ c: DifferentialCase) async {
        guard let cpl = Shells.cpl else {
            Issue.record(Comment(rawValue: BuiltCPL.missingMessage))
            return
        }
        let result = await runCase(c, under: [cpl])[0]
        let diffs = checkExpectations(c, result, label: "cpl")
        if !diffs.isEmpty {
            Issue.record(Comment(rawValue: """
                cpl does not meet the expectation: \(diffs.joined(separator: "; "))
                \(describeCase(c))
                \(describeResult("cpl", result))
                """))
        }
    }

    /// Validates the corpus itself: dash must agree with `bash --posix` on the shared cases, and
    /// plain bash must meet the expectations of cpl-only cases marked `#@ bash-oracle`.
    @Test("oracle check: dash vs bash --posix", .enabled(if: ProcessInfo.processInfo.environment["CPL_DIFF_BASH"] == "1"),
          arguments: CaseCorpus.all)
    func oracleAgreesWithBash(_ c: DifferentialCase) async {
        if c.cplOnly {
            guard c.bashOracle else { return }
            let result = await runCase(c, under: [Shells.bash])[0]
            let diffs = checkExpectations(c, result, label: "bash")
            if !diffs.isEmpty {
                Issue.record(Comment(rawValue: "\(diffs.joined(separator: "; "))\n\(describeCase(c))\n\(describeResult("bash", result))"))
            }
            return
        }
        guard c.bashDiffers == nil else { return }
        let results = await runCase(c, under: [Shells.dash, Shells.bashPOSIX])
        let diffs = compare(c, reference: results[0], refLabel: "dash", subject: results[1], subLabel: "bash")
        if !diffs.isEmpty {
            Issue.record(Comment(rawValue: """
                dash and bash --posix disagree: \(diffs.joined(separator: "; "))
                \(describeCase(c))
                \(describeResult("dash", results[0]))
                \(describeResult("bash --posix", results[1]))
                """))
        }
    }
}
