import ChildProcess
import Glibc

/// A script read and parsed whole, before any of it runs: the one way the `cpl` command,
/// `Interpreter.runFile`, `source`/`.` and an executable file without `#!` load a file.
public struct Script: Sendable {
    public let program: Program
    public let text: String
    /// The name messages use (the path as given).
    public let fileName: String

    /// Parses `text` (the file's name is for messages) with `aliases` in force; `posix`: as sh
    /// reads it (see `Parser.parse`).
    public init(text: String, fileName: String, aliases: [String: String] = [:], posix: Bool = false) throws(ParseError) {
        self.program = try Parser.parse(text, fileName: fileName, aliases: aliases, posix: posix)
        self.text = text
        self.fileName = fileName
    }

    /// Reads and parses the file at `path` (relative to the process's directory; callers
    /// resolve it against the interpreter's first), opened through `fileSystem`.
    public static func load(
        path: String, fileName: String? = nil, aliases: [String: String] = [:], posix: Bool = false,
        in fileSystem: FileSystem = .system
    ) throws(InterpreterError) -> Script {
        let text = try read(path, in: fileSystem)
        do {
            return try Script(text: text, fileName: fileName ?? path, aliases: aliases, posix: posix)
        } catch {
            throw .syntax(error)
        }
    }

    /// The file's text, lossless. A directory, or a file whose start has a NUL byte (a binary
    /// that the kernel would not run), is refused.
    static func read(_ path: String, in fileSystem: FileSystem) throws(InterpreterError) -> String {
        let descriptor: FileDescriptor
        do {
            descriptor = try fileSystem.open(path, O_RDONLY)
        } catch {
            throw .cannotRead(path: path, errno: error)
        }
        // Read only: its close has nothing to report.
        defer { try? descriptor.close() }
        var info = stat()
        if fstat(descriptor.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotRead(path: path, errno: Errno(rawValue: EISDIR))
        }
        let bytes = descriptor.readToEnd()
        if bytes.prefix(512).contains(0) { throw .binary(path: path) }
        return String(losslessBytes: bytes)
    }

    var source: ScriptSource { ScriptSource(fileName: fileName, text: text) }
}
