import ChildProcess
import Glibc
import Synchronization

/// One open descriptor shared by the fd tables that refer to it; closed when
/// the last table lets go (a pipe's write end must close promptly so that
/// its reader sees end of file).
///
/// Descriptors the interpreter did not open (the process's own 0, 1, 2 and
/// inherited ones) are borrowed and never closed.
final class OpenFile: Sendable {
    let descriptor: FileDescriptor
    private let owned: Bool
    /// 0 unknown, 1 a regular file or block device (never blocks), 2 anything else.
    private let kind = Atomic<UInt8>(0)

    init(owning descriptor: FileDescriptor) {
        self.descriptor = descriptor
        self.owned = true
    }

    init(borrowing descriptor: FileDescriptor) {
        self.descriptor = descriptor
        self.owned = false
    }

    deinit {
        // The last table let go, after the command that wrote through it has finished: like dash,
        // a redirection's close has no command left to fail.
        if owned { try? descriptor.close() }
    }

    /// Regular files never block, so they are written in one piece.
    var isRegularFile: Bool {
        var known = kind.load(ordering: .relaxed)
        if known == 0 {
            var info = stat()
            let regular = fstat(descriptor.rawValue, &info) == 0
                && ((info.st_mode & S_IFMT) == S_IFREG || (info.st_mode & S_IFMT) == S_IFBLK)
            known = regular ? 1 : 2
            kind.store(known, ordering: .relaxed)
        }
        return known == 1
    }

    /// Writes all of `bytes` without blocking a cooperative thread.
    func write(_ bytes: [UInt8]) async throws(Errno) {
        var offset = 0
        let regular = isRegularFile
        while offset < bytes.count {
            if !regular, !(await descriptor.waitUntilReady(forReading: false)) {
                throw Errno(rawValue: ECANCELED)
            }
            // A pipe that polls writable has room for at least one page.
            let chunk = regular ? bytes.count - offset : min(bytes.count - offset, 4096)
            let written = bytes.withUnsafeBytes { all in
                Glibc.write(descriptor.rawValue, all.baseAddress! + offset, chunk)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Errno(rawValue: errno)
            }
            offset += written
        }
    }

    /// Reads at most `maximum` bytes; an empty result means end of file.
    func read(upTo maximum: Int) async throws(Errno) -> [UInt8] {
        while true {
            if !isRegularFile, !(await descriptor.waitUntilReady(forReading: true)) {
                throw Errno(rawValue: ECANCELED)
            }
            let (bytes, failure) = readOnce(upTo: maximum)
            if failure == 0 { return bytes }
            if failure == EINTR || failure == EAGAIN { continue }
            throw Errno(rawValue: failure)
        }
    }

    /// One read(2) of up to `maximum` bytes, and its errno (0 when it worked).
    private func readOnce(upTo maximum: Int) -> (bytes: [UInt8], failure: Int32) {
        // A small read (`read` takes a pipe a byte at a time) goes through a buffer on the stack,
        // then into an array of what came: `Array(unsafeUninitializedCapacity:)` looks up its
        // storage's type at run time, which cost more than the one-byte read.
        if maximum <= 256 {
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximum) { buffer in
                let count = Glibc.read(descriptor.rawValue, buffer.baseAddress, maximum)
                return count < 0 ? ([], errno) : (Array(buffer[..<count]), 0)
            }
        }
        // Not zeroed first: `read` (a block per line for a regular file) would clear a page
        // for every line it reads.
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: maximum) { buffer, initialized in
            let count = Glibc.read(descriptor.rawValue, buffer.baseAddress, maximum)
            if count < 0 { failure = errno }
            initialized = max(count, 0)
        }
        return (bytes, failure)
    }

    /// `/dev/null`, opened read-write.
    static func devNull() throws(Errno) -> OpenFile {
        OpenFile(owning: try FileDescriptor.open("/dev/null", O_RDWR))
    }

    /// A descriptor that reads `bytes` (here-documents, `stdin: .bytes`):
    /// a pipe filled at once when it fits, else fed through the reactor.
    static func reading(_ bytes: [UInt8]) throws(Errno) -> OpenFile {
        guard bytes.count > 4096 else {
            // A new pipe holds at least one page: this never blocks.
            let (readEnd, writeEnd) = try FileDescriptor.pipe()
            // Pipe ends: their close loses no data, and the write's error is the one to report.
            defer { try? writeEnd.close() }
            do { try writeEnd.writeAll(bytes) } catch { try? readEnd.close(); throw error }
            return OpenFile(owning: readEnd)
        }
        let (readEnd, writer) = try StdioPipe.makeWriter()
        Task {
            // EPIPE when the reader stops early is fine: nothing more to do.
            try? await writer.write(bytes)
            writer.close()
        }
        return OpenFile(owning: readEnd)
    }
}

/// A shell context's descriptors: fd number → open file (as mvdan/sh's interp
/// keeps one per runner). Programs get exactly these, in-process stages
/// read and write through them, never through the process's own fds.
struct DescriptorTable: Sendable {
    /// In fd order. A table holds a handful of entries, which a search finds faster than a hash;
    /// and a `[Int: OpenFile]` would cost every cpl start one scan of all the binary's protocol
    /// conformances (the runtime's look-up of `Int: Hashable`, about 95,000 instructions).
    private var entries: [(fd: Int, file: OpenFile)] = []

    subscript(fd: Int) -> OpenFile? {
        get { entries.first { $0.fd == fd }?.file }
        set {
            let index = entries.firstIndex { $0.fd >= fd } ?? entries.endIndex
            let present = index < entries.endIndex && entries[index].fd == fd
            switch (present, newValue) {
            case (true, let file?): entries[index].file = file
            case (true, nil): entries.remove(at: index)
            case (false, let file?): entries.insert((fd, file), at: index)
            case (false, nil): break
            }
        }
    }

    /// The open fds, in order.
    var numbers: [Int] { entries.map(\.fd) }

    /// Puts back what `saved` had at `fds`: a descriptor opened there since is closed.
    mutating func restore(_ fds: [Int], from saved: DescriptorTable) {
        for fd in fds { self[fd] = saved[fd] }
    }

    /// The process's own descriptors among `fds` that are open, borrowed.
    static func inheriting(_ fds: [Int32]) -> DescriptorTable {
        var table = DescriptorTable()
        for fd in fds where fcntl(fd, F_GETFD) >= 0 {
            table[Int(fd)] = OpenFile(borrowing: FileDescriptor(rawValue: fd))
        }
        return table
    }

    /// The child's descriptors 0…n in `SpawnOptions.stdio` form.
    var stdio: [StdioOption] {
        guard let highest = entries.last?.fd else { return [.closed, .closed, .closed] }
        return (0...max(2, highest)).map { fd in self[fd].map { .fd($0.descriptor) } ?? .closed }
    }
}
