import ChildProcess
import Testing

/// Children the library did not start. In a fixture process of its own: the test runner's other
/// tests start children of their own at the same time, which is the point there but noise here.
@Suite("Foreign children: other code's posix_spawn in the same process")
struct ForeignChildrenTests {
    @Test("10,000 children of posix_spawn are reaped only by the code that started them, with their status; the library's own 1,000, started meanwhile, are unaffected")
    func neverReaped() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["foreign-children", "10000", "1000"]).stdout
        #expect(output == "foreign 10000 10000 10000 library 1000 zombies 0\n")
    }
}
