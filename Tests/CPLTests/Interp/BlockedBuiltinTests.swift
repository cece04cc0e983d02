import ChildProcess
import Glibc
import Testing
@testable import CPL

/// A builtin waiting for a pipe that stays silent waits through the reactor: the run answers
/// `interrupt()` and cancellation while it waits, and many such waits at once hold no thread each.
@Suite("Builtins blocked on a pipe")
struct BlockedBuiltinTests {
    @Test func interruptEndsAReadThatWaits() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer {
            try? readEnd.close()
            try? writeEnd.close()
        }
        let shell = makeInterpreter(in: directory)
        let task = Task {
            try await shell.run(
                "echo > started; read line; echo not-reached", fileName: "t.cpl", stdin: .fileDescriptor(readEnd),
                stdout: .capture, stderr: .capture)
        }
        #expect(await eventually { readFileText("\(directory)/started") != nil })
        shell.interrupt()
        let result = try await task.value
        #expect(result.ending == .interrupted)
        #expect(result.stdoutText == "")
    }

    @Test func oneHundredBlockedReadersHoldNoThreads() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? readEnd.close() }
        let shell = makeInterpreter(in: directory)
        // 100 in-process stages, each blocked in `read` on the same silent pipe, then released at once.
        // Each says it is about to read; the pipe's first reader takes stdin, the others read
        // the pipe through `<&3`.
        let stages = Array(repeating: "{ echo >> ready; read x <&3; echo \"$x\" >> got; }", count: 100)
            .joined(separator: " | ")
        let task = Task {
            try await shell.run(
                "exec 3<&0; \(stages); wc -l < got", fileName: "t.cpl", stdin: .fileDescriptor(readEnd),
                stdout: .capture, stderr: .capture)
        }
        #expect(await eventually { readFileText("\(directory)/ready")?.count == 100 })
        let threads = threadCount()
        // Each of the 100 waits would be a thread of its own if waits took threads.
        #expect(threads < 90, "\(threads) threads while 100 builtins wait")
        try writeEnd.close()
        let result = try await task.value
        #expect(result.status == 0)
        #expect(result.stdoutText.split(separator: " ").last == "100\n")
    }

    private func threadCount() -> Int {
        guard let status = readFileText("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Threads:") })
        else { return 0 }
        return Int(line.dropFirst("Threads:".count).filter { $0 != " " && $0 != "\t" }) ?? 0
    }
}
