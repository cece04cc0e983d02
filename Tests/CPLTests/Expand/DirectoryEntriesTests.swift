import Testing
@testable import CPL

@Suite struct DirectoryEntriesTests {
    /// Found by the script fuzzer (`Fuzz/regressions/script/directory-entry-overread`, a glob in
    /// a directory): each name was read as the whole 256-byte `d_name` field, past the end of
    /// glibc's shorter records (AddressSanitizer: heap-buffer-overflow). Names of every length
    /// come back exact.
    @Test func namesAreExact() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let long = String(repeating: "n", count: 255)
        for name in ["a", "bc", long] { createFile(directory + "/" + name) }
        let names = try FileSystem.system.directoryEntries(directory)
        #expect(names.sorted() == [".", "..", "a", "bc", long])
    }
}
