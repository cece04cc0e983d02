import Testing

/// Writes to `/dev/full`, where every write fails with ENOSPC: the message names the command and
/// the system's reason (dash says "I/O error"; its statuses are checked in cases-full-device.txt).
@Suite struct FullDeviceTests {
    @Test(arguments: [
        ("echo x > /dev/full", "cpl: -c:1:1: echo: write error: No space left on device\n"),
        ("printf x > /dev/full", "cpl: -c:1:1: printf: write error: No space left on device\n"),
        ("pwd > /dev/full", "cpl: -c:1:1: pwd: write error: No space left on device\n"),
        ("f() { echo x; }; f > /dev/full", "cpl: -c:1:7: echo: write error: No space left on device\n"),
        ("echo x > /dev/full | cat", "cpl: -c:1:1: echo: write error: No space left on device\n"),
    ])
    func aBuiltinNamesItselfAndTheReason(script: String, message: String) async {
        let result = await runCPL(["-c", script + "; echo \"status=$?\""])
        #expect(result.stderr == message)
        #expect(result.stdout == "status=\(script.hasSuffix("| cat") ? 0 : 1)\n")
    }

    /// A program reports its own error; cpl adds nothing and passes its status on.
    @Test func aProgramsOwnMessageAndStatus() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = await runCPL(["-c", "echo hi > f; cat f > /dev/full; echo \"cat=$?\"; echo x | cat > /dev/full; echo \"last=$?\""], in: directory)
        #expect(result.stderr == "cat: write error: No space left on device\ncat: write error: No space left on device\n")
        #expect(result.stdout == "cat=1\nlast=1\n")
    }

    /// The script goes on after each failure, and its status is the last command's.
    @Test func aScriptEndingInAFailedWriteFails() async {
        let result = await runCPL(["-c", "echo a > /dev/full; echo b > /dev/full"])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 2)
    }
}
