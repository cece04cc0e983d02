import ChildProcess
import Glibc
import TestSupport
import Testing

/// A `uid` (or a `foregroundTerminal`) makes the spawn fork and exec by hand instead of calling
/// posix_spawn; a failure in the child must still reach the parent as a `SpawnError`.
@Suite("spawn on the fork path")
struct ForkPathTests {
    /// Our own uid: setuid succeeds, and the spawn takes the fork path.
    private var forkPath: SpawnOptions {
        var options = SpawnOptions(stdio: .all(.ignore))
        options.uid = getuid()
        return options
    }

    private func spawnError(_ command: String, options: SpawnOptions) -> SpawnError? {
        do {
            let child = try ChildProcess.spawn(command, options: options)
            Issue.record("spawn of \(command) succeeded (pid \(child.pid), exit \(String(describing: child.exitStatus)))")
            return nil
        } catch {
            return error
        }
    }

    @Test("an executable file without #! fails with ENOEXEC")
    func noShebang() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try writeFile(directory + "/script", "echo hi\n", mode: 0o755)
        let error = spawnError(directory + "/script", options: forkPath)
        #expect(error?.code == "ENOEXEC")
        #expect(error?.syscall == "spawn \(directory)/script")
    }

    @Test("a missing cwd is reported as chdir ENOENT")
    func missingWorkingDirectory() {
        var options = forkPath
        options.cwd = "/no/such/dir"
        let error = spawnError("/bin/true", options: options)
        #expect(error?.code == "ENOENT")
        #expect(error?.syscall == "chdir")
        #expect(error?.path == "/no/such/dir")
    }

    @Test("a missing program given by path: ENOENT")
    func missingProgram() {
        let error = spawnError("/no/such/program", options: forkPath)
        #expect(error?.code == "ENOENT")
        #expect(error?.syscall == "spawn /no/such/program")
    }

    @Test("a file that is not executable, given by path: EACCES")
    func notExecutable() throws {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        try writeFile(directory + "/data", "echo hi\n", mode: 0o644)
        #expect(spawnError(directory + "/data", options: forkPath)?.code == "EACCES")
    }

    @Test("many descriptors for the child: the failure is still reported")
    func manyDescriptors() {
        var options = forkPath
        options.stdio = .all(.ignore) + Array(repeating: .closed, count: 40)
        #expect(spawnError("/no/such/program", options: options)?.code == "ENOENT")
    }

    @Test("a foreground terminal takes the fork path too: a bad cwd is reported")
    func foregroundTerminal() throws {
        // Not a terminal: tcsetpgrp fails in the child, which carries on (it only matters for a tty).
        let notATerminal = try FileDescriptor.open("/dev/null", O_RDONLY)
        defer { try? notATerminal.close() }
        var options = SpawnOptions(cwd: "/no/such/dir", stdio: .all(.ignore))
        options.processGroup = 0
        options.foregroundTerminal = notATerminal.rawValue
        let error = spawnError("/bin/true", options: options)
        #expect(error?.syscall == "chdir")
        #expect(error?.code == "ENOENT")
    }

    @Test("a successful spawn on the fork path runs the program in the given cwd")
    func success() async throws {
        var options = ExecOptions()
        options.uid = getuid()
        options.cwd = "/usr"
        #expect(try await ChildProcess.execFile("pwd", options: options).stdout == "/usr\n")
    }

    @Test("the error-report pipe and the parent's other descriptors do not reach the program")
    func onlyConfiguredDescriptors() async throws {
        var options = forkPath
        options.stdio = [.ignore, .pipe, .ignore, .closed, .closed]
        let child = try ChildProcess.spawn("sh", ["-c", "ls /proc/$$/fd"], options: options)
        let listing = try await child.stdout!.text()
        #expect(try await child.waitForExit() == .exited(0))
        #expect(listing.split(separator: "\n").sorted() == ["0", "1", "2"])
    }
}
