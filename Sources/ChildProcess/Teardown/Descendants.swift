import CChildProcessShims
import Glibc

/// Descendants that a tree walk found, each named by a pidfd opened while its parent was stopped:
/// a stopped parent cannot reap, so the pid still named that process, and the pidfd names it
/// (and no later process with its number) however long a teardown goes on. What the later steps
/// of a teardown reach once the child is gone and they are orphaned. Closed when released.
final class Descendants: Sendable {
    let members: [SignalDelivery.Process]

    init(_ members: [SignalDelivery.Process]) { self.members = members }

    deinit { for member in members { Glibc.close(member.pidfd) } }

    /// The members not reaped yet.
    var remaining: [SignalDelivery.Process] { members.filter { cp_pidfd_send_signal($0.pidfd, 0) == 0 } }
}
