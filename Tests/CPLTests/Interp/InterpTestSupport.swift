import Glibc
import Testing
@testable import CPL

/// A fresh interpreter in `directory` with a small fixed environment.
func makeInterpreter(in directory: String = "/tmp", options: Interpreter.Options = Interpreter.Options()) -> Interpreter {
    Interpreter(
        options: options,
        environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C"],
        workingDirectory: directory)
}

/// Runs `script` (file name `t.cpl`) with captured output and `stdin` as input.
func run(
    _ script: String, stdin: String = "", in directory: String = "/tmp", interpreter: Interpreter? = nil,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) async -> RunResult {
    let shell = interpreter ?? makeInterpreter(in: directory)
    do {
        return try await shell.run(script, fileName: "t.cpl", stdin: .text(stdin), stdout: .capture, stderr: .capture)
    } catch {
        Issue.record("syntax error: \(error.summary)", sourceLocation: sourceLocation)
        return RunResult(status: -1, ending: .error, stdout: [], stderr: [])
    }
}

/// Monotonic seconds.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Whether a process exists (and is not a zombie).
func processIsAlive(_ pid: Int32) -> Bool {
    guard let stat = readFileText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// Field `index` (1-based, as in proc(5)) of /proc/pid/stat.
func procStatField(_ pid: Int32, _ index: Int) -> String? {
    guard let stat = readFileText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    return index - 3 < fields.count ? String(fields[index - 3]) : nil
}

/// How long a wait may go on before a test calls it a hang. Generous: on a loaded machine the
/// interpreter's tasks can wait a minute or more for a thread of the concurrency pool, which the
/// test's other work shares.
let hangGuardSeconds: Double = 300

/// Waits up to `seconds` (a hang guard) for `condition`.
func eventually(_ seconds: Double = hangGuardSeconds, _ condition: () -> Bool) async -> Bool {
    let deadline = now() + seconds
    while now() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
