import ChildProcess
import Glibc
import Synchronization

/// A multi-stage pipeline that a resource error stopped: a program of one of its stages could not
/// start for want of descriptors, processes or memory (EMFILE, ENFILE, EAGAIN, ENOMEM). The rest
/// of the pipeline is not left running beside the hole: the programs its stages started are
/// killed (SIGKILL, so that no trap delays the abort), its stages are cancelled, and it ends with
/// status 2 and one message, the first failure's. It is the innermost pipeline's: a program of a
/// group or `$(…)` inside a stage aborts the pipeline that stage belongs to.
final class PipelineAbort: Sendable {
    private struct State {
        var triggered = false
        /// The programs the stages are running, by pid.
        var children: [Int32: ChildProcess] = [:]
    }
    private let state = Mutex(State())
    /// True once triggered, false once every stage has ended without it: what the pipeline's
    /// watch for an abort waits for.
    private let outcome = OneShot<Bool>()

    var isTriggered: Bool { state.withLock { $0.triggered } }

    /// Aborts the pipeline. True for the first call, which reports the failure.
    func trigger() -> Bool {
        let (first, children) = state.withLock { state -> (Bool, [ChildProcess]) in
            defer { state.triggered = true }
            return (!state.triggered, Array(state.children.values))
        }
        for child in children { _ = child.kill(.kill) }
        outcome.complete(true)
        return first
    }

    /// Records a program a stage started; kills it at once when the pipeline is already aborted.
    func adopt(_ child: ChildProcess) {
        let aborted = state.withLock { state in
            if !state.triggered { state.children[child.pid] = child }
            return state.triggered
        }
        if aborted { _ = child.kill(.kill) }
    }

    /// Forgets a program that has exited (a stage's loop may start any number).
    func release(_ child: ChildProcess) {
        _ = state.withLock { $0.children.removeValue(forKey: child.pid) }
    }

    /// Every stage has ended: the watch ends too.
    func finish() { outcome.complete(false) }

    /// Returns true when the pipeline is aborted, false when it ended first.
    func wait() async -> Bool { await outcome.wait() }
}

extension SpawnError {
    /// The program could not start for want of a resource: the shell's failure, not the
    /// command's (as in sh, where these are fork's and pipe's).
    var isResourceExhaustion: Bool { [EMFILE, ENFILE, EAGAIN, ENOMEM].contains(errno.rawValue) }

    /// The call to name in the shell's message. The library names a failure inside posix_spawn as
    /// Node does (`spawn cat`); its resource errors (EAGAIN or ENOMEM from the clone, EMFILE moving
    /// descriptors) are the fork's in a shell's terms (dash: `Cannot fork`).
    var shellCallName: String { syscall.hasPrefix("spawn") ? "fork" : syscall }
}
