import ChildProcess
import Glibc

/// Why a redirection could not be performed (the command then does not run).
struct RedirectionFailure: Error {
    var message: String
    /// `>&WORD` where WORD is no fd number: dash's "Bad fd number", which ends a script whatever
    /// the command.
    var endsScript = false
}

extension Executor {
    /// Applies descriptor steps in order to `table`. Files are opened
    /// relative to this context's working directory, always O_CLOEXEC.
    func apply(_ actions: [DescriptorAction], to table: inout DescriptorTable) throws(RedirectionFailure) {
        for action in actions {
            switch action {
            case .pipe(let fd, let pipe, let end):
                table[fd] = pipeEnds[PipeKey(pipe: pipe, end: end)]
            case .open(let fd, let path, let mode):
                if let source = Self.contextDescriptor(named: path) {
                    // /dev/stdin, /dev/fd/N… name this context's descriptors, not the interpreter's.
                    guard let file = table[source] else {
                        throw RedirectionFailure(message: "\(path): Bad file descriptor")
                    }
                    table[fd] = file
                } else {
                    table[fd] = try open(path, mode: mode)
                }
            case .duplicate(let fd, let source):
                guard let file = table[source] else {
                    throw RedirectionFailure(message: "\(source): Bad file descriptor")
                }
                table[fd] = file
            case .close(let fd):
                table[fd] = nil
            case .hereDocument(let fd, let text):
                do {
                    table[fd] = try OpenFile.reading(text.losslessBytes)
                } catch {
                    throw RedirectionFailure(message: "cannot create a here-document: \(error)")
                }
            case .invalid(_, let message):
                throw RedirectionFailure(message: message, endsScript: true)
            }
        }
    }

    /// `/dev/stdin`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` (as bash emulates them).
    static func contextDescriptor(named path: String) -> Int? {
        switch path {
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            guard path.hasPrefix("/dev/fd/"), let fd = Int(path.dropFirst(8)), fd >= 0 else { return nil }
            return fd
        }
    }

    private func open(_ path: String, mode: OpenMode) throws(RedirectionFailure) -> OpenFile {
        let located = PathLookup.absolute(path, in: state.workingDirectory)
        let flags: Int32
        switch mode {
        case .read: flags = O_RDONLY
        case .truncate: flags = O_WRONLY | O_CREAT | O_TRUNC
        case .append: flags = O_WRONLY | O_CREAT | O_APPEND
        case .readWrite: flags = O_RDWR | O_CREAT
        case .noclobber: flags = O_WRONLY | O_CREAT | O_EXCL
        }
        let fileSystem = session.fileSystem
        do {
            return OpenFile(owning: try fileSystem.open(path.isEmpty ? "" : located, flags))
        } catch {
            if mode == .noclobber, error.rawValue == EEXIST {
                // `set -C` only protects regular files: `>/dev/null` still works.
                if let kind = fileSystem.kind(of: located), kind != .regular,
                    let file = try? fileSystem.open(located, O_WRONLY)
                {
                    return OpenFile(owning: file)
                }
            }
            throw RedirectionFailure(message: "cannot open \(path): \(error.description)")
        }
    }
}
