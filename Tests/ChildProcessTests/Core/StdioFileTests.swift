import ChildProcess
import Glibc
import TestSupport
import Testing

/// `.file` opens a file by name for the child; `.fd` says who closes a given descriptor.
@Suite("stdio: files by path, descriptors borrowed or handed over")
struct StdioFileTests {
    @Test("truncating: the file is emptied, then holds the output")
    func truncating() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/out.log"
        try writeFile(path, "an older and longer content\n")
        let child = try ChildProcess.spawn("echo", ["new"], options: SpawnOptions(stdio: [.ignore, .file(path, .truncating), .ignore]))
        #expect(try await child.waitForExit() == .exited(0))
        #expect(try readFile(path) == "new\n")
    }

    @Test("appending: the output goes after what was there; stdout and stderr share the file")
    func appending() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/out.log"
        try writeFile(path, "first\n")
        let log = StdioOption.file(path, .appending)
        let child = try ChildProcess.spawn("sh", ["-c", "echo out; echo err >&2"], options: SpawnOptions(stdio: [.ignore, log, log]))
        #expect(try await child.waitForExit() == .exited(0))
        #expect(try readFile(path) == "first\nout\nerr\n")
    }

    @Test("two entries truncating the same file share one open file: neither overwrites the other")
    func sharedOpenFile() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/out.log"
        let log = StdioOption.file(path, .truncating)
        let child = try ChildProcess.spawn("sh", ["-c", "echo out; echo err >&2"], options: SpawnOptions(stdio: [.ignore, log, log]))
        #expect(try await child.waitForExit() == .exited(0))
        #expect(try readFile(path) == "out\nerr\n")
    }

    @Test("a new file is created with mode 0o666 less the umask")
    func creationMode() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/new.log"
        // From /proc: umask(2) would change it for every test running meanwhile.
        let status = try readFile("/proc/self/status")
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Umask:") })
        let mask = try #require(line.split(separator: "\t").last.flatMap { mode_t($0, radix: 8) })
        let child = try ChildProcess.spawn("true", options: SpawnOptions(stdio: [.ignore, .file(path, .truncating), .ignore]))
        #expect(try await child.waitForExit() == .exited(0))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o666 & ~mask)
    }

    @Test("reading: the file is the child's stdin")
    func reading() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/in.txt"
        try writeFile(path, "line one\nline two\n")
        let child = try ChildProcess.spawn("cat", options: SpawnOptions(stdio: [.file(path, .reading), .pipe, .ignore]))
        #expect(try await within { try await child.stdout!.text() } == "line one\nline two\n")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("a file that cannot be opened fails the spawn with syscall open and the file's path")
    func openFailure() {
        #expect {
            _ = try ChildProcess.spawn("true", options: SpawnOptions(stdio: [.ignore, .file("/no/such/dir/out.log", .appending), .ignore]))
        } throws: { error in
            guard let error = error as? SpawnError else { return false }
            return error.syscall == "open" && error.path == "/no/such/dir/out.log" && error.code == "ENOENT"
        }
    }

    /// The file `descriptor` refers to (device and inode): the descriptor number alone could be
    /// reused by a test running meanwhile.
    private func identity(of descriptor: FileDescriptor) -> [UInt]? {
        var info = stat()
        return fstat(descriptor.rawValue, &info) == 0 ? [UInt(info.st_dev), UInt(info.st_ino)] : nil
    }

    @Test("closeAfterSpawn: the child writes through the descriptor, which is closed in the parent after the spawn")
    func closedAfterSpawn() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/out.log"
        let handedOver = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        let borrowed = try FileDescriptor.open(path, O_WRONLY | O_APPEND)
        defer { try? borrowed.close() }
        let file = identity(of: handedOver)
        #expect(file != nil)
        let child = try ChildProcess.spawn(
            "sh", ["-c", "echo out; echo err >&2"],
            options: SpawnOptions(stdio: [.ignore, .fd(handedOver, closeAfterSpawn: true), .fd(borrowed)]))
        #expect(identity(of: handedOver) != file, "the handed-over descriptor is closed")
        #expect(identity(of: borrowed) == file, "the borrowed descriptor is still open")
        #expect(try await child.waitForExit() == .exited(0))
        #expect(try readFile(path).split(separator: "\n").sorted() == ["err", "out"])
    }

    @Test("closeAfterSpawn: the descriptor is closed when the spawn fails too")
    func closedAfterFailedSpawn() throws {
        let handedOver = try FileDescriptor.open("/dev/null", O_WRONLY)
        let file = identity(of: handedOver)
        #expect(throws: SpawnError.self) {
            _ = try ChildProcess.spawn("/no/such/program", options: SpawnOptions(stdio: [.ignore, .fd(handedOver, closeAfterSpawn: true), .ignore]))
        }
        #expect(identity(of: handedOver) != file)
    }

    @Test("no descriptor leaked and no zombie left after 1,000 spawns writing to a file by path", .timeLimit(.minutes(5)))
    func hygiene() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let output = try await ChildProcess.execFile(fixturePath, ["file-hygiene", directory + "/out.log", "1000"])
        let fields = output.stdout.split(separator: " ").map(String.init)
        #expect(fields.count == 5, "\(output.stdout)")
        #expect(fields[1] == fields[2].trimmingSpaces, "fd count before and after")
        #expect(fields[4].trimmingSpaces == "0", "zombies")
        #expect(try readFile(directory + "/out.log") == "998\n999\n", "the last truncating round, then the appending one")
    }
}
