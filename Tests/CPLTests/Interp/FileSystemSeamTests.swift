import ChildProcess
import Glibc
import Synchronization
import Testing
@testable import CPL

/// Every file-system effect of a script goes through `Interpreter.Options.fileSystem`: an
/// embedder sees, redirects or refuses each one.
@Suite("The file-system seam")
struct FileSystemSeamTests {
    /// The system's file system, with each call recorded as `call path`.
    final class Recorder: Sendable {
        let calls = Mutex<[String]>([])
        var fileSystem: FileSystem {
            let system = FileSystem.system
            return FileSystem(
                open: { path, flags throws(Errno) in
                    self.calls.withLock { $0.append("open \(path)") }
                    return try system.open(path, flags)
                },
                status: { path, follow throws(Errno) in
                    self.calls.withLock { $0.append("status \(path)") }
                    return try system.status(path, follow)
                },
                access: { path, access throws(Errno) in
                    self.calls.withLock { $0.append("access \(path)") }
                    try system.access(path, access)
                },
                directoryEntries: { path throws(Errno) in
                    self.calls.withLock { $0.append("list \(path)") }
                    return try system.directoryEntries(path)
                })
        }
    }

    private func shell(_ fileSystem: FileSystem, in directory: String) -> Interpreter {
        var options = Interpreter.Options()
        options.fileSystem = fileSystem
        return makeInterpreter(in: directory, options: options)
    }

    @Test func redirectionsSourcedFilesTestsAndGlobsGoThroughIt() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/lib.sh", "echo sourced\n")
        createFile("\(directory)/a.txt", "A\n")
        let recorder = Recorder()
        let result = await run(
            "echo out > o.log; . ./lib.sh; test -f a.txt && echo file; echo *.txt; read x < a.txt; echo $x",
            in: directory, interpreter: shell(recorder.fileSystem, in: directory))
        #expect(result.stdoutText == "sourced\nfile\na.txt\nA\n")
        let calls = recorder.calls.withLock { $0 }
        #expect(calls.contains("open \(directory)/o.log"))
        #expect(calls.contains("status \(directory)/./lib.sh"))
        #expect(calls.contains("open \(directory)/./lib.sh"))
        #expect(calls.contains("status \(directory)/a.txt"))
        #expect(calls.contains("list \(directory)"))
        #expect(calls.contains("open \(directory)/a.txt"))
    }

    @Test func thePathSearchAsksItAboutEachCandidate() async {
        let recorder = Recorder()
        let result = await run(
            "PATH=/nonexistent-cpl:/bin; command -v sh; no-such-program-cpl 2>/dev/null; echo $?",
            interpreter: shell(recorder.fileSystem, in: "/tmp"))
        #expect(result.stdoutText == "/bin/sh\n127\n")
        let calls = recorder.calls.withLock { $0 }
        #expect(calls.contains("status /nonexistent-cpl/sh"))
        #expect(calls.contains("access /bin/sh"))
        #expect(calls.contains("status /bin/no-such-program-cpl"))
    }

    @Test func aVirtualTreeIsWhatTheScriptSees() async {
        // Nothing of this exists on disk: globbing, `test` and `[` see only what the seam says.
        let entries = ["report.txt", "notes.txt", "image.png"]
        let virtual = FileSystem(
            open: { _, _ throws(Errno) in throw Errno(rawValue: EACCES) },
            status: { path, _ throws(Errno) in
                guard path == "/virtual" || entries.contains(where: { path == "/virtual/\($0)" }) else {
                    throw Errno(rawValue: ENOENT)
                }
                return FileStatus(
                    mode: path == "/virtual" ? S_IFDIR | 0o755 : S_IFREG | 0o644, userID: 0, groupID: 0, size: 1,
                    device: 0, inode: 0, modified: FileTimestamp(seconds: 0, nanoseconds: 0))
            },
            access: { _, _ throws(Errno) in },
            directoryEntries: { path throws(Errno) in
                guard path == "/virtual" else { throw Errno(rawValue: ENOENT) }
                return [".", ".."] + entries
            })
        let result = await run(
            "echo *.txt; [ -f image.png ] && echo png; test -e gone || echo gone; echo x > out; echo $?",
            interpreter: shell(virtual, in: "/virtual"))
        #expect(result.stdoutText == "notes.txt report.txt\npng\ngone\n2\n")
        #expect(result.stderrText == "cpl: t.cpl:1:70: cannot open out: Permission denied\n")
    }
}
