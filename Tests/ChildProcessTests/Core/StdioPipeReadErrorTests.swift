import ChildProcess
import Glibc
import Testing

/// A pipe's descriptor replaced under it (as a double close elsewhere in the process does) is an
/// error, never a silent end of stream that passes for an empty or shorter output.
/// glibc's dup3 (Swift's Glibc module leaves out what needs _GNU_SOURCE).
private typealias Dup3 = @convention(c) (Int32, Int32, Int32) -> Int32

@Suite("StdioPipe read errors")
struct StdioPipeReadErrorTests {
    @Test func aDescriptorReplacedUnderThePipeIsAnErrorNotAnEnd() async throws {
        let (readEnd, writeEnd) = try FileDescriptor.pipe()
        defer { try? writeEnd.close() }
        let pipe = try StdioPipe(adopting: readEnd)
        defer { pipe.close() }
        try writeEnd.writeAll(Array("lost".utf8))
        // dup3 replaces the number in one step (no moment where another test could take it), and
        // close-on-exec (no program another test starts inherits it): a write-only descriptor
        // there makes read(2) fail with EBADF while the pipe is still open.
        let writeOnly = try FileDescriptor.open("/dev/null", O_WRONLY)
        defer { try? writeOnly.close() }
        let dup3 = try #require(dlsym(nil, "dup3").map { unsafeBitCast($0, to: Dup3.self) })
        #expect(dup3(writeOnly.rawValue, readEnd.rawValue, O_CLOEXEC) == readEnd.rawValue)
        await #expect(throws: Errno(rawValue: EBADF)) { try await pipe.bytes() }
    }

    @Test func aPipeClosedByItsOwnerEndsQuietly() async throws {
        let (pipe, writeEnd) = try StdioPipe.makeReader()
        defer { try? writeEnd.close() }
        pipe.close()
        #expect(try await pipe.bytes() == [])
    }
}
