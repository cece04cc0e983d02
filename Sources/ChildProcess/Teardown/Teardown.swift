/// Who a signal from `kill(_:target:)` or a teardown reaches.
public enum SignalTarget: Sendable, Hashable {
    /// The child alone.
    case process
    /// The child's process group: every process in it, the child's descendants that stayed in it
    /// included. Meant for a child that leads its group (`detached`, or `processGroup` 0).
    case processGroup
    /// The child and every descendant still attached to it (found through
    /// `/proc/PID/task/*/children`, whatever its process group), each stopped with SIGSTOP
    /// before its own children are listed, so that none can fork away while the tree is walked;
    /// all get the signal, then SIGCONT so that they act on it. A process that was orphaned before
    /// (a daemon that forked and let its parent exit) is no longer in the tree.
    case processTree
}

/// One step of a teardown: a signal, then how long the child has to exit before the next step.
public struct TeardownStep: Sendable, Hashable {
    public var signal: Signal
    /// How long to wait for the child to exit before the next step; nil waits as long as it takes.
    public var gracePeriod: Duration?

    public init(signal: Signal, gracePeriod: Duration?) {
        self.signal = signal
        self.gracePeriod = gracePeriod
    }

    /// Sends `signal`, then gives the child `gracePeriod` to exit before the next step.
    public static func send(_ signal: Signal, gracePeriod: Duration) -> TeardownStep {
        TeardownStep(signal: signal, gracePeriod: gracePeriod)
    }
}

/// How the library ends a child: on `timeout`, on cancellation, when output overflows
/// `maxBuffer`, and in `tearDown()`. The default is Node's: `killSignal` once, to the child (or
/// its group when it leads one), then a wait for as long as the child takes. Steps with a grace
/// period escalate: when the last grace period runs out, SIGKILL follows, so an escalating
/// teardown always ends with the child dead and reaped. With the group or the tree as target, the
/// steps go on after the child is reaped for the members that outlived it (a descendant that
/// ignored the SIGTERM its parent died of still gets the SIGKILL that follows).
public struct Teardown: Sendable, Hashable {
    public var steps: [TeardownStep]
    /// Who gets the signals; nil: the process group when the child leads one, else the child.
    public var target: SignalTarget?

    public init(_ steps: [TeardownStep], target: SignalTarget? = nil) {
        self.steps = steps
        self.target = target
    }

    /// Node's: `signal` once, then wait for the child to exit, however long it takes.
    public static func signal(_ signal: Signal, target: SignalTarget? = nil) -> Teardown {
        Teardown([TeardownStep(signal: signal, gracePeriod: nil)], target: target)
    }

    /// SIGTERM, `gracePeriod` to exit, then SIGKILL: the usual escalation.
    public static func terminate(gracePeriod: Duration, target: SignalTarget? = nil) -> Teardown {
        Teardown([.send(.terminate, gracePeriod: gracePeriod)], target: target)
    }

    /// The steps as they run: SIGKILL added after a last step that has a grace period (and as the
    /// only step of an empty teardown). Every step but the last has a grace period.
    var sequence: [TeardownStep] {
        var sequence: [TeardownStep] = []
        for step in steps {
            sequence.append(step)
            if step.gracePeriod == nil { return sequence }
        }
        return sequence + [TeardownStep(signal: .kill, gracePeriod: nil)]
    }
}

/// How a teardown ended a child.
public struct TeardownReport: Sendable, Hashable {
    /// Why the library ended the child.
    public enum Cause: Sendable, Hashable {
        /// `tearDown()` was called.
        case requested
        /// The child ran past `timeout`.
        case timedOut
        /// The wait was cancelled, or the options' `CancellationHandle`.
        case cancelled
        /// Output went past `maxBuffer`.
        case maxBufferExceeded
    }

    public let cause: Cause
    /// The step in effect when the child exited: an index into the teardown's steps, where
    /// `steps.count` is the SIGKILL that follows the last grace period.
    public let step: Int
    /// That step's signal: the last one sent before the child exited.
    public let signal: Signal
    public let status: ExitStatus

    public init(cause: Cause, step: Int, signal: Signal, status: ExitStatus) {
        self.cause = cause
        self.step = step
        self.signal = signal
        self.status = status
    }
}
