import ChildProcess
import TestSupport
import Testing

/// The programs of examples/ipc/ run as documented.
@Suite("IPC: examples")
struct ExamplesTests {
    static let examplesPath = IPCTest.fixturePath.replacing("ChildProcessFixture", with: "ipc-examples")

    static func run(_ arguments: [String]) async throws -> [Substring] {
        // The example's own timeout (a hang guard) fires first: the error then names the command.
        let output = try await within(2 * hangGuardSeconds) {
            try await ChildProcess.execFile(examplesPath, arguments, options: ExecOptions(timeout: .seconds(hangGuardSeconds))).stdout
        }
        return output.split(separator: "\n")
    }

    @Test("hello: parent and child exchange a message each")
    func hello() async throws {
        let lines = try await Self.run(["hello"])
        #expect(lines.sorted() == [#"CHILD got message: {"hello":"world"}"#, #"PARENT got message: {"foo":"bar","baz":null}"#])
    }

    @Test("shared-server: every connection is handled by the parent or the child")
    func sharedServer() async throws {
        let lines = try await Self.run(["shared-server"])
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.hasSuffix("handled by parent") || $0.hasSuffix("handled by child") })
    }

    @Test("route: each connection reaches the worker its port says", arguments: [[], ["node"]])
    func route(workers: [String]) async throws {
        if workers == ["node"] && !IPCTest.hasNode { return }
        let lines = try await Self.run(["route"] + workers)
        #expect(lines.count == 6)
        for line in lines {
            let expected = line.contains("(special)") ? "special" : "normal"
            #expect(line.hasSuffix("Request handled with \(expected) priority"), "\(line)")
        }
    }

    @Test("upper and the Node parent sharing a server with a Swift child", .enabled(if: IPCTest.hasNode))
    func nodeSides() async throws {
        #expect(try await Self.run(["upper"]) == [#""HELLO""#, #""ÜNÏCÖDÉ WORKS""#, #""TWO\nLINES""#])
        let output = try await within {
            try await ChildProcess.execFile("node", [IPCTest.example("shared-server-parent.js"), Self.examplesPath]).stdout
        }
        let lines = output.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.hasSuffix("handled by parent") || $0.hasSuffix("handled by child") })
    }
}
