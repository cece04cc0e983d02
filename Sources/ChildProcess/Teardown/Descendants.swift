import CChildProcessShims
import Glibc

/// Descendants that a tree walk found, each named by a pidfd opened while its parent was stopped:
/// a stopped parent cannot reap, so the pid still named that process, and the pidfd names it
/// (and no later process with its number) however long a teardown goes on. One whose pidfd could
/// not be opened is named by its pid alone (see `SignalDelivery.Process.send`). What the later steps
/// of a teardown reach once the child is gone and they are orphaned. Closed when released.
final class Descendants: Sendable {
    let members: [SignalDelivery.Process]

    init(_ members: [SignalDelivery.Process]) { self.members = members }

    deinit { for case let pidfd? in members.map(\.pidfd) { Glibc.close(pidfd) } }

    /// The members not reaped yet (for one named by its pid only: a process with that pid exists).
    var remaining: [SignalDelivery.Process] { members.filter { $0.send(0) } }
}
