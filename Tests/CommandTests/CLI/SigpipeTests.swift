import Testing

/// SIGPIPE in a `cpl` process of its own (the in-process side is CPLTests.PipelineTests).
@Suite("SIGPIPE in the cpl process")
struct SigpipeTests {
    /// `yes` never ends by itself: a stage that SIGPIPE does not end hangs, and runCPL's timeout
    /// (a hang guard) reports it.
    @Test func aStageKilledBySigpipeIsNormalAndPrompt() async {
        let separate = await runCPL(["-c", "yes | head -n 3; yes | cat | head -c 100000 | wc -c"])
        #expect(separate.stdout == "y\ny\ny\n100000\n")
        #expect(separate.status == 0)
    }
}
