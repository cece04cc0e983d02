import ChildProcess
import Glibc
import Testing

@Suite("exec, execFile and the sync forms")
struct ExecTests {
    @Test("a failing command throws with code, cmd, stdout, stderr and Node's message")
    func failure() async throws {
        do {
            _ = try await ChildProcess.exec("echo out; echo err >&2; exit 4")
            Issue.record("exec of a failing command succeeded")
        } catch {
            #expect(error.reason == .failed)
            #expect(error.code == 4)
            #expect(error.signal == nil)
            #expect(error.killed == false)
            #expect(error.cmd == "echo out; echo err >&2; exit 4")
            #expect(error.stdout == "out\n")
            #expect(error.stderr == "err\n")
            #expect(error.message == "Command failed: echo out; echo err >&2; exit 4\nerr\n")
        }
    }

    /// 3,000,000: past the first 64 KiB that output buffers reserve.
    @Test("maxBuffer: the child is killed, the output cut at exactly maxBuffer bytes", arguments: [1000, 3_000_000])
    func maxBuffer(limit: Int) async throws {
        var options = ExecOptions()
        options.maxBuffer = limit
        do {
            _ = try await ChildProcess.execFile("head", ["-c", "5000000", "/dev/zero"], options: options)
            Issue.record("overflow not reported")
        } catch {
            #expect(error.reason == .maxBufferExceeded(descriptor: 1))
            #expect(error.message == "stdout maxBuffer length exceeded")
            #expect(error.stdoutBytes.count == limit)
            #expect(error.killed)
        }
        do {
            _ = try await ChildProcess.exec("head -c \(limit * 5) /dev/zero >&2", options: options)
            Issue.record("overflow not reported")
        } catch {
            #expect(error.reason == .maxBufferExceeded(descriptor: 2))
            #expect(error.stderrBytes.count == limit)
        }
    }

    @Test("timeout: killed with killSignal, killed true, code nil")
    func timeout() async throws {
        var options = ExecOptions(timeout: .milliseconds(150), killSignal: .kill)
        options.encoding = .utf8
        do {
            // Far longer than any hang guard: the timeout may fire late on a loaded machine, and the
            // status must come from the kill, not from the sleep's own end.
            _ = try await ChildProcess.execFile("sleep", ["1000"], options: options)
            Issue.record("timeout not reported")
        } catch {
            #expect(error.reason == .timedOut)
            #expect(error.signal == .kill)
            #expect(error.code == nil)
            #expect(error.killed)
        }
    }

    @Test("a missing program is a spawn failure with ENOENT")
    func missing() async {
        #expect(await spawnFailure(ofExecFile: "no-such-program-here")?.code == "ENOENT")
    }

    @Test("input is fed to stdin; latin1 decodes one character per byte")
    func inputAndEncoding() async throws {
        var options = ExecOptions()
        options.input = [0x68, 0xE9, 0x0A]
        options.encoding = .latin1
        let output = try await ChildProcess.execFile("cat", options: options)
        #expect(output.stdout == "h\u{E9}\n")
        #expect(output.stdoutBytes == [0x68, 0xE9, 0x0A])
    }

    @Test("spawnSync collects output and status; input; inherit needs no pipes")
    func spawnSync() throws {
        var options = ExecOptions()
        options.input = Array("abc".utf8)
        let result = try ChildProcess.spawnSync("tr", ["a-z", "A-Z"], options: options)
        #expect(result.status == .exited(0))
        #expect(result.stdout == "ABC")
        #expect(result.pid > 0)
        #expect(result.output.count == 3 && result.output[0] == nil)
        var quiet = ExecOptions()
        quiet.stdio = .all(.ignore)
        #expect(try ChildProcess.spawnSync("sh", ["-c", "exit 7"], options: quiet).status == .exited(7))
    }

    @Test("spawnSync timeout (ETIMEDOUT) and maxBuffer (ENOBUFS)")
    func spawnSyncLimits() throws {
        var options = ExecOptions(timeout: .milliseconds(100))
        let slow = try ChildProcess.spawnSync("sleep", ["10"], options: options)
        #expect(slow.error == .timedOut)
        #expect(slow.status == .signaled(.terminate))
        options = ExecOptions(maxBuffer: 10)
        let big = try ChildProcess.spawnSync("head", ["-c", "100000", "/dev/zero"], options: options)
        #expect(big.error == .maxBufferExceeded(descriptor: 1))
        #expect(big.stdoutBytes.count == 10)
    }

    @Test("execSync and execFileSync: output, and ExecError on failure")
    func execSyncForms() throws {
        #expect(try ChildProcess.execSync("echo $((6 * 7))").stdout == "42\n")
        #expect(try ChildProcess.execFileSync("echo", ["a", "b"]).stdout == "a b\n")
        #expect(throws: ExecError.self) { try ChildProcess.execSync("exit 1") }
        do {
            _ = try ChildProcess.execFileSync("nope-not-here")
            Issue.record("execFileSync of a missing program succeeded")
        } catch {
            guard case .spawnFailed(let spawnError) = error.reason else { Issue.record("wrong reason"); return }
            #expect(spawnError.code == "ENOENT")
        }
    }
}
