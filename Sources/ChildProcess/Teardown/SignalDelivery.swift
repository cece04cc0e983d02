import CChildProcessShims
import Glibc

/// Sends a signal to a child (named by its pidfd, so never to a recycled pid) or to what it leads.
/// The caller guarantees the child is not reaped yet: then neither its pid nor its group id
/// can have been reused.
enum SignalDelivery {
    static func send(_ signal: Signal, to target: SignalTarget, pid: Int32, pidfd: Int32) -> Bool {
        switch target {
        case .process:
            return cp_pidfd_send_signal(pidfd, signal.rawValue) == 0
        case .processGroup:
            // A group can be empty of everyone but a zombie leader: kill(-pid) then fails with
            // ESRCH while the child, which the caller still has to reap, is reachable by its pidfd.
            return Glibc.kill(-pid, signal.rawValue) == 0 || cp_pidfd_send_signal(pidfd, signal.rawValue) == 0
        case .processTree:
            return sendToTree(signal, pid: pid, pidfd: pidfd)
        }
    }

    /// Stops the root, then each child found under a stopped parent (a stopped process cannot fork,
    /// and a fork that raced with SIGSTOP is undone by the kernel), until a walk finds nobody new;
    /// then signals everyone and lets them continue to act on it (unless the signal is itself a stop).
    private static func sendToTree(_ signal: Signal, pid: Int32, pidfd: Int32) -> Bool {
        if signal.rawValue == 0 { return cp_pidfd_send_signal(pidfd, 0) == 0 }
        guard cp_pidfd_send_signal(pidfd, SIGSTOP) == 0 else { return false }
        var tree: [Int32] = [pid]
        var known: Set<Int32> = [pid]
        var foundNew = true
        while foundNew {
            foundNew = false
            var index = 0
            while index < tree.count {
                for child in children(of: tree[index]) where known.insert(child).inserted {
                    Glibc.kill(child, SIGSTOP)
                    tree.append(child)
                    foundNew = true
                }
                index += 1
            }
        }
        let sent = cp_pidfd_send_signal(pidfd, signal.rawValue) == 0
        for descendant in tree.dropFirst() { Glibc.kill(descendant, signal.rawValue) }
        if signal != .stop && signal != .kill {
            cp_pidfd_send_signal(pidfd, SIGCONT)
            for descendant in tree.dropFirst() { Glibc.kill(descendant, SIGCONT) }
        }
        return sent
    }

    /// The children of every thread of `pid` (each thread is the parent of what it forked).
    static func children(of pid: Int32) -> [Int32] {
        guard let directory = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(directory) }
        var children: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let thread = Int32(name) else { continue }
            children += contents(of: "/proc/\(pid)/task/\(thread)/children").split { $0 == " " || $0 == "\n" }.compactMap { Int32($0) }
        }
        return children
    }

    private static func contents(of path: String) -> String {
        guard let file = try? FileDescriptor.open(path, O_RDONLY) else { return "" }
        // Read-only /proc file: its close has nothing to report.
        defer { try? file.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while let count = try? buffer.withUnsafeMutableBytes({ try file.read(into: $0) }), count > 0 {
            bytes += buffer[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
