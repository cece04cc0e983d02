import ChildProcess
import Testing
import TestSupport

@Suite("IPC: fork options")
struct ForkOptionsTests {
    static func forkError(_ options: ForkOptions) -> IPCError? {
        do {
            let child = try ChildProcess.fork("module", options: options)
            child.kill(.kill)
            return nil
        } catch {
            return error
        }
    }

    @Test("advanced serialization, stdio without or with two .ipc, and a missing program are clear errors")
    func refusals() {
        var advanced = ForkOptions(execPath: IPCTest.fixturePath)
        advanced.serialization = .advanced
        guard case .unsupportedSerialization? = Self.forkError(advanced) else { Issue.record("advanced accepted"); return }
        guard case .invalidStdio? = Self.forkError(ForkOptions(execPath: IPCTest.fixturePath, stdio: .all(.pipe))) else {
            Issue.record("stdio without .ipc accepted"); return
        }
        guard case .invalidStdio? = Self.forkError(ForkOptions(execPath: IPCTest.fixturePath, stdio: [.ignore, .ipc, .ipc])) else {
            Issue.record("two .ipc accepted"); return
        }
        guard case .spawnFailed(let error)? = Self.forkError(ForkOptions(execPath: "/nonexistent/program")) else {
            Issue.record("missing program accepted"); return
        }
        #expect(error.code == "ENOENT")
    }

    @Test("argv is execPath, execArgv, module, arguments; silent pipes stdio; spawn options apply")
    func argvAndSilent() async throws {
        try await within {
            var options = ForkOptions(execPath: IPCTest.fixturePath, execArgv: ["ipc-environment"], silent: true)
            options.cwd = "/"
            let child = try ChildProcess.fork("module.js", ["a", "b"], options: options)
            #expect(child.spawnargs == [IPCTest.fixturePath, "ipc-environment", "module.js", "a", "b"])
            #expect(child.stdin != nil && child.stdout != nil && child.stderr != nil)
            #expect(child.stdio.count == 4 && child.stdio[3] == nil)
            let report = try #require(try await IPCTest.collect(child.messages).first)
            #expect(report["arguments"] == ["ipc-environment", "module.js", "a", "b"])
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("the byte form: the module and the arguments reach the child as given, bytes that are not UTF-8 included")
    func byteForm() async throws {
        try await within {
            let argument: [UInt8] = [0xFF, 0x61, 0xF4, 0x8F, 0xBE, 0x80]
            let options = ForkOptions(execPath: IPCTest.fixturePath, stdio: [.ignore, .ignore, .inherit, .ipc])
            let child = try ChildProcess.fork(FilePath("ipc-echo"), [argument], options: options)
            var messages = child.messages.makeAsyncIterator()
            try await child.send("ping")
            #expect(try await messages.next()?.value == "ping")
            // What the kernel gave the child, read while it runs (until the disconnect).
            let argv = [Array(IPCTest.fixturePath.utf8), Array("ipc-echo".utf8), argument]
            #expect(readFileBytes("/proc/\(child.pid)/cmdline") == argv.flatMap { argument -> [UInt8] in argument + [0] })
            child.disconnect()
            #expect(try await child.waitForClose() == .exited(0))
        }
    }

    @Test("an explicit environment gets the two channel variables; the child removes them")
    func explicitEnvironment() async throws {
        try await within {
            let child = try ChildProcess.fork("ipc-environment", options: ForkOptions(
                execPath: IPCTest.fixturePath, stdio: [.ignore, .ignore, .inherit, .ipc], environment: ["ONLY": "this"]))
            let report = try #require(try await IPCTest.collect(child.messages).first)
            #expect(report["NODE_CHANNEL_FD"] == "3")
            #expect(report["removedFromEnvironment"] == true)
            try await child.waitForClose()
        }
    }
}
