import ChildProcess
import Glibc
import Testing

@Suite("pseudo-terminals")
struct PseudoTerminalTests {
    private func spawnOnTerminal(
        _ command: String, _ arguments: [String] = [], size: TerminalSize = TerminalSize(rows: 24, columns: 80)
    ) throws -> (ChildProcess, PseudoTerminal) {
        var options = SpawnOptions(stdio: .all(.terminal))
        options.terminalSize = size
        let child = try ChildProcess.spawn(command, arguments, options: options)
        return (child, try #require(child.terminal))
    }

    /// The kernel's number of a terminal device, as /proc/PID/stat shows it: glibc's dev_t agrees
    /// with the kernel's encoding in its low 32 bits.
    private func ttyNumber(_ path: String) throws -> String {
        var info = stat()
        try #require(stat(path, &info) == 0)
        return "\(UInt32(truncatingIfNeeded: info.st_rdev))"
    }

    @Test("tty prints the terminal's /dev/pts path; the output ends with EIO, read as the end")
    func ttyName() async throws {
        let (child, terminal) = try spawnOnTerminal("tty")
        #expect(terminal.devicePath.hasPrefix("/dev/pts/"))
        #expect(try await within { try await terminal.text() } == terminal.devicePath + "\r\n")
        #expect(try await child.waitForExit() == .exited(0))
        #expect(child.stdio.allSatisfy { $0 == nil }, "no pipes: 0, 1 and 2 are the terminal")
    }

    @Test("the child leads a new session whose controlling terminal is the new one")
    func controllingTerminal() async throws {
        // cat opens no terminal itself (a shell would, acquiring one): what it shows of itself is
        // what the spawn set up. After the command in /proc/PID/stat: state, ppid, pgrp, session,
        // tty_nr, tpgid (the terminal's foreground group; -1 without a controlling terminal).
        let (child, terminal) = try spawnOnTerminal("cat", ["/proc/self/stat"])
        let stat = try await within { try await terminal.text() }
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ").map(String.init)
        #expect(fields.count > 5)
        #expect(Array(fields.dropFirst(2).prefix(4)) == ["\(child.pid)", "\(child.pid)", try ttyNumber(terminal.devicePath), "\(child.pid)"])
        #expect(try await child.waitForExit() == .exited(0))
        #expect(child.leadsProcessGroup)
    }

    @Test("stty size prints the size given at spawn")
    func sizeAtSpawn() async throws {
        let (child, terminal) = try spawnOnTerminal("stty", ["size"], size: TerminalSize(rows: 37, columns: 101))
        #expect(try await within { try await terminal.text() } == "37 101\r\n")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("after resize, the child sees the new size")
    func resize() async throws {
        // The child reads a line before it asks: the line is written only after the resize.
        let (child, terminal) = try spawnOnTerminal("sh", ["-c", "read line; stty size"])
        try terminal.resize(rows: 50, columns: 132)
        #expect(try terminal.size == TerminalSize(rows: 50, columns: 132))
        try await terminal.write("go\n")
        let output = try await within { try await terminal.text() }
        #expect(output == "go\r\n50 132\r\n", "the echoed line, then the size")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("Ctrl-C written to the parent end interrupts the child through the line discipline")
    func interrupt() async throws {
        let (child, terminal) = try spawnOnTerminal("sleep", ["100"])
        try await terminal.write("\u{03}")
        #expect(try await within { try await child.waitForExit() } == .signaled(.interrupt))
        #expect(child.killed == false, "the signal came from the terminal, not from kill")
    }

    @Test("closing the parent end hangs the child up")
    func hangup() async throws {
        let (child, terminal) = try spawnOnTerminal("sleep", ["100"])
        terminal.close()
        #expect(try await within { try await child.waitForExit() } == .signaled(.hangup))
    }

    @Test("the child's stdout is a terminal")
    func isATerminal() async throws {
        let (child, terminal) = try spawnOnTerminal("python3", ["-c", "import os; print(os.isatty(1))"])
        #expect(try await within { try await terminal.text() } == "True\r\n")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("bytes that are not UTF-8 pass unchanged; lines keep the terminal's \\r")
    func byteTransparency() async throws {
        let (child, terminal) = try spawnOnTerminal("printf", ["\\377\\200x\\nsecond\\n"])
        var chunks: [UInt8] = []
        for try await chunk in terminal { chunks += chunk }
        #expect(chunks == [0xFF, 0x80] + Array("x\r\nsecond\r\n".utf8))
        #expect(try await child.waitForExit() == .exited(0))
        let (_, lined) = try spawnOnTerminal("printf", ["a\\nb\\n"])
        var lines: [String] = []
        for try await line in lined.lines { lines.append(line) }
        #expect(lines == ["a\r", "b\r"])
    }

    @Test("stderr can stay a pipe while stdin and stdout are the terminal")
    func mixedWithPipes() async throws {
        let child = try ChildProcess.spawn(
            "sh", ["-c", "[ -t 0 ] && [ -t 1 ] && [ ! -t 2 ] && echo out && echo err >&2"],
            options: SpawnOptions(stdio: [.terminal, .terminal, .pipe]))
        let terminal = try #require(child.terminal)
        async let errors = child.stderr!.text()
        #expect(try await within { try await terminal.text() } == "out\r\n")
        #expect(try await errors == "err\n")
        #expect(try await child.waitForExit() == .exited(0))
    }

    @Test("no descriptor leaked and no zombie left after 1,000 spawns on a terminal", .timeLimit(.minutes(5)))
    func hygiene() async throws {
        let output = try await ChildProcess.execFile(fixturePath, ["terminal-hygiene", "1000"])
        let fields = output.stdout.split(separator: " ").map(String.init)
        #expect(fields.count == 5, "\(output.stdout)")
        #expect(fields[1] == fields[2].trimmingSpaces, "fd count before and after")
        #expect(fields[4].trimmingSpaces == "0", "zombies")
    }
}
