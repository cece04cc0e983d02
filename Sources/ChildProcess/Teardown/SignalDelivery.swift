import CChildProcessShims
import Glibc

/// Sends a signal to a child (named by its pidfd, so never to a recycled pid) or to what it leads.
/// The caller guarantees the child is not reaped yet: then neither its pid nor its group id
/// can have been reused.
enum SignalDelivery {
    /// A process and the pidfd that names it; nil for a descendant that could get none (see `send`).
    struct Process: Sendable {
        let pid: Int32
        let pidfd: Int32?

        /// Sends `signal` through the pidfd, or by pid when there is none. A pid names the process
        /// only as long as nobody reaps it: true while its parent is stopped by the tree walk (a
        /// stopped parent cannot reap, unless it lets the kernel reap for it, SA_NOCLDWAIT), not
        /// in the later steps of a teardown, when it may have been reaped and its pid reused. That
        /// race is taken for a process whose pidfd_open failed (EMFILE, ENOMEM): left out, it
        /// would go on running.
        @discardableResult
        func send(_ signal: Int32) -> Bool {
            if let pidfd { cp_pidfd_send_signal(pidfd, signal) == 0 } else { Glibc.kill(pid, signal) == 0 }
        }
    }

    static func send(_ signal: Signal, to target: SignalTarget, pid: Int32, pidfd: Int32) -> Bool {
        var descendants: [Descendants] = []
        return send(signal, to: target, pid: pid, pidfd: pidfd, descendants: &descendants)
    }

    /// As `send(_:to:pid:pidfd:)`, for a teardown: a tree's `descendants` found by the earlier
    /// steps are signalled too (walked from again, as one may have been orphaned since), and the
    /// ones found now are added.
    static func send(_ signal: Signal, to target: SignalTarget, pid: Int32, pidfd: Int32,
                     descendants: inout [Descendants]) -> Bool {
        switch target {
        case .process:
            return cp_pidfd_send_signal(pidfd, signal.rawValue) == 0
        case .processGroup:
            // A group can be empty of everyone but a zombie leader: kill(-pid) then fails with
            // ESRCH while the child, which the caller still has to reap, is reachable by its pidfd.
            return Glibc.kill(-pid, signal.rawValue) == 0 || cp_pidfd_send_signal(pidfd, signal.rawValue) == 0
        case .processTree:
            if signal.rawValue == 0 { return cp_pidfd_send_signal(pidfd, 0) == 0 }
            let (sent, found) = sendToTree(signal, roots: [Process(pid: pid, pidfd: pidfd)] + descendants.flatMap(\.remaining))
            descendants.append(found)
            return sent
        }
    }

    /// Whether a member of the child's group, or one of the tree's `descendants`, outlived the
    /// child (which has been reaped): what the rest of a teardown is for.
    static func survivorsRemain(of target: SignalTarget, pid: Int32, descendants: [Descendants]) -> Bool {
        switch target {
        case .process: false
        // Its members keep the group's id from being reused; an empty group's comes back only
        // after the kernel's pids have gone all the way round.
        case .processGroup: Glibc.kill(-pid, 0) == 0
        case .processTree: descendants.contains { !$0.remaining.isEmpty }
        }
    }

    /// A teardown step once the child has been reaped: `signal` to what is left of its group, or
    /// to the tree's remaining `descendants` and what they have started since.
    static func sendToSurvivors(_ signal: Signal, of target: SignalTarget, pid: Int32, descendants: inout [Descendants]) {
        switch target {
        case .process:
            break
        case .processGroup:
            Glibc.kill(-pid, signal.rawValue)
        case .processTree:
            let roots = descendants.flatMap(\.remaining)
            guard !roots.isEmpty else { return }
            descendants.append(sendToTree(signal, roots: roots).found)
        }
    }

    /// Stops the roots, then each child found under a stopped parent (a stopped process cannot fork,
    /// and a fork that raced with SIGSTOP is undone by the kernel), until a walk finds nobody new;
    /// then signals everyone and lets them continue to act on it (unless the signal is itself a stop).
    /// Whether the first root got the signal, and the descendants found (the roots not among them).
    private static func sendToTree(_ signal: Signal, roots: [Process]) -> (sent: Bool, found: Descendants) {
        let stopped = roots.map { $0.send(SIGSTOP) }
        var tree = zip(roots, stopped).filter(\.1).map(\.0)
        var known = Set(tree.map(\.pid))
        var found: [Process] = []
        var foundNew = true
        while foundNew {
            foundNew = false
            var index = 0
            while index < tree.count {
                for child in children(of: tree[index].pid) where known.insert(child).inserted {
                    let pidfd = cp_pidfd_open(child)
                    // ESRCH: it has exited and been reaped (its parent was not stopped yet).
                    guard pidfd >= 0 || errno != ESRCH else { continue }
                    let member = Process(pid: child, pidfd: pidfd >= 0 ? pidfd : nil)
                    member.send(SIGSTOP)
                    tree.append(member)
                    found.append(member)
                    foundNew = true
                }
                index += 1
            }
        }
        let sent = tree.map { $0.send(signal.rawValue) }
        if signal != .stop && signal != .kill {
            for member in tree { member.send(SIGCONT) }
        }
        return (stopped.first == true && sent.first == true, Descendants(found))
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
