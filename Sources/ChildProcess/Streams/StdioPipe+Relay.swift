import CChildProcessShims
import Glibc

extension StdioPipe {
    /// Moves everything this pipe delivers into `destination` until this side reaches its end,
    /// then ends `destination` unless `end` is false (Node's `readable.pipe(writable)`): how one
    /// child's output becomes another's input through this process.
    ///
    /// The bytes go from one kernel pipe buffer to the other with splice(2), never through user
    /// memory; where the kernel cannot splice (a terminal, or a socket on both sides) they are
    /// copied in 64 KiB chunks. Nothing else may read this pipe or write `destination` meanwhile.
    ///
    /// - Returns: the number of bytes relayed.
    /// - Throws: EPIPE (`.brokenPipe`) once `destination`'s reader has gone (what was read but
    ///   not delivered is lost, as in a shell pipeline); EINTR when the task is cancelled.
    @discardableResult
    public func pipe(to destination: StdioPipe, end: Bool = true) async throws(Errno) -> Int {
        defer { if end { destination.end() } }
        // A 1 MiB buffer on each side (the default largest a user may ask for) lets one splice move
        // 16 of the default 64 KiB, so the relay waits for readiness a sixteenth as often. Best
        // effort: where the kernel refuses, the pipes keep the size they had.
        _ = try? io.withDescriptor { source throws(Errno) in try source.setPipeCapacity(1 << 20) }
        _ = try? destination.io.withDescriptor { target throws(Errno) in try target.setPipeCapacity(1 << 20) }
        var relayed = 0
        while true {
            let moved: Int
            do {
                moved = try io.withDescriptor { source throws(Errno) in
                    try destination.io.withDescriptor { target throws(Errno) in
                        try splice(from: source, to: target)
                    }
                }
            } catch where error == .wouldBlock {
                try await waitForSpliceReadiness(to: destination)
                continue
            } catch where error.rawValue == EINVAL && relayed == 0 {
                return try await copy(to: destination)
            } catch where error.rawValue == EBADF && io.isClosed {
                return relayed
            } catch where error.rawValue == EBADF && destination.io.isClosed {
                throw .brokenPipe
            }
            if moved == 0 {
                markEndReached()
                return relayed
            }
            relayed += moved
        }
    }

    private func splice(from source: FileDescriptor, to target: FileDescriptor) throws(Errno) -> Int {
        // 1 MiB per call: several pipe buffers' worth, so a fast producer costs few system calls.
        try retryingOnInterrupt { cp_splice(source.rawValue, target.rawValue, 1 << 20) }
    }

    /// splice's EAGAIN does not say which side was not ready: if this side has bytes waiting, the
    /// destination is full. (When bytes arrive after the check, the readable wait returns at once.)
    private func waitForSpliceReadiness(to destination: StdioPipe) async throws(Errno) {
        let waiting = (try? io.withDescriptor { descriptor throws(Errno) in
            try retryingOnInterrupt { cp_readable_byte_count(descriptor.rawValue) }
        }) ?? 0
        if waiting > 0 {
            try await destination.io.wait(until: .writable)
        } else {
            try await io.wait(until: .readable)
        }
    }

    private func copy(to destination: StdioPipe) async throws(Errno) -> Int {
        var relayed = 0
        while let chunk = try await read(upTo: 1 << 16) {
            try await destination.write(chunk)
            relayed += chunk.count
        }
        return relayed
    }
}
