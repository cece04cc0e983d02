import ChildProcess
import Glibc
import Testing

/// A byte string written as a literal (UTF-8) or, for bytes that are not UTF-8, with `bytes(…)`.
struct ByteString: Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    init(stringLiteral value: String) {
        bytes = Array(value.utf8)
    }

    /// The lossless String the shell would hand a builtin.
    var string: String { String(losslessBytes: bytes) }

    var description: String {
        bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
    }
}

func bytes(_ values: UInt8...) -> ByteString {
    ByteString(values)
}

/// dash, found on PATH (the oracle the expectations were taken from).
let dashPath: String? = {
    guard let path = getenv("PATH") else { return nil }
    for directory in String(cString: path).split(separator: ":") {
        let candidate = "\(directory)/dash"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}()

struct ProgramRun {
    var stdout: [UInt8]
    /// Standard error's lines without dash's `dash: 1: ` prefix.
    var messages: [String]
    var status: Int32
}

/// Runs `dash -c script dash arguments…` in `directory`, passing the arguments' bytes exactly.
func runDash(_ script: String, _ arguments: [ByteString], in directory: String = "/tmp") -> ProgramRun {
    // The script starts by entering `directory` (posix_spawn's chdir action is not visible from Swift).
    let words = [ByteString(stringLiteral: "-c"), ByteString(stringLiteral: #"cd -- "$1" || exit 99; shift; "# + script), "dash"]
    return runProgram(dashPath!, words + [ByteString(Array(directory.utf8))] + arguments)
}

/// Runs `program arguments…` to its end, collecting its output.
func runProgram(_ program: String, _ arguments: [ByteString]) -> ProgramRun {
    let words = [Array(program.utf8)] + arguments.map(\.bytes)
    let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: word.count + 1)
        for (index, byte) in word.enumerated() { copy[index] = CChar(bitPattern: byte) }
        copy[word.count] = 0
        return copy
    } + [nil]
    defer { argv.forEach { $0?.deallocate() } }
    // Close-on-exec: a child another test starts meanwhile must not hold the write ends, or the reads
    // below wait for that child (an sshd watchdog of the remote tests kept one for minutes).
    guard let outputPipe = try? FileDescriptor.pipe(), let errorsPipe = try? FileDescriptor.pipe() else {
        return ProgramRun(stdout: [], messages: ["pipe failed"], status: -1)
    }
    let output = [outputPipe.readEnd.rawValue, outputPipe.writeEnd.rawValue]
    let errors = [errorsPipe.readEnd.rawValue, errorsPipe.writeEnd.rawValue]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    for fd in output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    close(output[1])
    close(errors[1])
    defer {
        close(output[0])
        close(errors[0])
    }
    guard spawned == 0 else { return ProgramRun(stdout: [], messages: ["spawn failed: \(spawned)"], status: -1) }
    // The outputs here are far smaller than a pipe's buffer, so reading one after the other cannot block the child.
    let stdout = readAll(output[0])
    let stderr = readAll(errors[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let messages = String(losslessBytes: stderr).split(separator: "\n").map { line in
        line.hasPrefix("dash: 1: ") ? String(line.dropFirst("dash: 1: ".count)) : String(line)
    }
    // A signal's death reads as 128 + the signal, as a shell reports it.
    let signal = status & 0x7F
    return ProgramRun(stdout: stdout, messages: messages, status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
}

private func readAll(_ fd: Int32) -> [UInt8] {
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { return result }
        result += buffer[..<count]
    }
}
