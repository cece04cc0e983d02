import CChildProcessShims
import Glibc

/// What `spawnSync` returns (Node's result object): it never throws for a child that ran.
public struct SpawnSyncResult: Sendable {
    public let pid: Int32
    public let status: ExitStatus
    /// Collected bytes by child descriptor; nil where the descriptor was not a pipe.
    public let output: [[UInt8]?]
    /// Set when the library ended the child: `.timedOut` (Node's ETIMEDOUT) or
    /// `.maxBufferExceeded` (Node's ENOBUFS).
    public let error: ExecError.Reason?
    public let encoding: OutputEncoding
    /// How the library's teardown ended the child, when it did (`error` says why).
    public let teardown: TeardownReport?

    public var stdoutBytes: [UInt8] { output.count > 1 ? output[1] ?? [] : [] }
    public var stderrBytes: [UInt8] { output.count > 2 ? output[2] ?? [] : [] }
    public var stdout: String { encoding.decode(stdoutBytes) }
    public var stderr: String { encoding.decode(stderrBytes) }
}

extension ChildProcess {
    /// Runs a child to completion on the calling thread (Node's `spawnSync`). `options.stdio`
    /// defaults to pipes, which are collected; `.ipc` and `.terminal` are refused.
    ///
    /// A child that ran gives a result, also when the library ended it (`error` says why).
    /// Throws `ExecError` when there is no status to give:
    /// - `.spawnFailed`: the child could not start;
    /// - `.childAlreadyReaped`: something else in this process reaped the child first, so its
    ///   status is lost;
    /// - `.pollFailed`: following its pipes failed; the child was killed with `killSignal` and
    ///   reaped (the error's `status`), its output up to then is in the error.
    public static func spawnSync(_ command: String, _ arguments: [String] = [], options: ExecOptions = ExecOptions())
        throws(ExecError) -> SpawnSyncResult
    {
        try spawnSync(command, arguments, options: options, poll: Glibc.poll)
    }

    /// `spawnSync(_:_:options:)` with the program and arguments as bytes, none of which need be
    /// UTF-8 (see `spawn(_:_:options:)`'s byte form).
    public static func spawnSync(_ executable: FilePath, _ arguments: [[UInt8]] = [], options: ExecOptions = ExecOptions())
        throws(ExecError) -> SpawnSyncResult
    {
        try spawnSync(String(losslessPath: executable), [String](losslessBytes: arguments), options: options)
    }

    /// `poll` stands for poll(2), so that a test can make it fail.
    static func spawnSync(_ command: String, _ arguments: [String], options: ExecOptions, poll: @escaping PollFunction)
        throws(ExecError) -> SpawnSyncResult
    {
        precondition(!options.stdio.contains(.ipc), "spawnSync cannot use an IPC channel")
        precondition(!options.stdio.contains(.terminal), "spawnSync cannot use a pseudo-terminal: use spawn")
        let cmd = ([command] + arguments).joined(separator: " ")
        let started: (pid: Int32, pipes: [FileDescriptor?])
        do {
            started = try startSync(command, arguments, options: options.spawnOptions)
        } catch {
            throw ExecError(reason: .spawnFailed(error), cmd: cmd, status: nil, killed: false,
                            stdoutBytes: [], stderrBytes: [], encoding: options.encoding)
        }
        var driver = SyncDriver(pid: started.pid, pipes: started.pipes, options: options, cmd: cmd, poll: poll)
        return try driver.run()
    }

    /// Starts the child: its pid and the parent's ends of its pipes.
    private static func startSync(_ command: String, _ arguments: [String], options: SpawnOptions)
        throws(SpawnError) -> (pid: Int32, pipes: [FileDescriptor?])
    {
        var launch = try Launch(command: command, arguments: arguments, options: options)
        defer { launch.closeChildEnds() }
        let pid = try launch.start()
        return (pid, launch.takeParentEnds())
    }

    /// Runs `command` through `/bin/sh -c` to completion (Node's `execSync`).
    public static func execSync(_ command: String, options: ExecOptions = ExecOptions()) throws(ExecError) -> ExecOutput {
        var options = options
        if options.shell == nil { options.shell = SpawnOptions.defaultShell }
        return try collectSync(command, [], options: options)
    }

    /// Runs `file` with `arguments`, without a shell, to completion (Node's `execFileSync`).
    public static func execFileSync(_ file: String, _ arguments: [String] = [], options: ExecOptions = ExecOptions())
        throws(ExecError) -> ExecOutput
    {
        try collectSync(file, arguments, options: options)
    }

    /// `execFileSync(_:_:options:)` with the program and arguments as bytes, none of which need
    /// be UTF-8 (see `spawn(_:_:options:)`'s byte form).
    public static func execFileSync(_ executable: FilePath, _ arguments: [[UInt8]] = [], options: ExecOptions = ExecOptions())
        throws(ExecError) -> ExecOutput
    {
        try execFileSync(String(losslessPath: executable), [String](losslessBytes: arguments), options: options)
    }

    /// `cmd` in its errors is the file and arguments joined by spaces (the command, for execSync).
    private static func collectSync(_ file: String, _ arguments: [String], options: ExecOptions)
        throws(ExecError) -> ExecOutput
    {
        var options = options
        options.stdio = [.pipe, .pipe, .pipe]
        let result = try spawnSync(file, arguments, options: options)
        let reason = result.error ?? (result.status.isSuccess ? nil : .failed)
        guard let reason else {
            return ExecOutput(stdoutBytes: result.stdoutBytes, stderrBytes: result.stderrBytes, encoding: options.encoding)
        }
        throw ExecError(reason: reason, cmd: ([file] + arguments).joined(separator: " "), status: result.status, killed: result.error != nil,
                        stdoutBytes: result.stdoutBytes, stderrBytes: result.stderrBytes, encoding: options.encoding,
                        teardown: result.teardown)
    }
}

extension Launch {
    mutating func takeParentEnds() -> [FileDescriptor?] {
        defer { parentEnds = [] }
        return parentEnds
    }
}

/// poll(2)'s timeout for `duration`: whole milliseconds, rounded up so that it never wakes early.
func pollTimeout(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
}

typealias PollFunction = (UnsafeMutablePointer<pollfd>?, nfds_t, Int32) -> Int32

/// Feeds input, collects output and enforces the timeout of one synchronous child with poll(2),
/// then reaps it. Owns the pipe ends it is given.
struct SyncDriver {
    let pid: Int32
    /// The command line for errors.
    let cmd: String
    let poll: PollFunction
    var pipes: [FileDescriptor?]
    let options: ExecOptions
    var buffers: [OutputBuffer?]
    var inputOffset = 0
    var failure: ExecError.Reason?
    var pidfd: Int32 = -1
    /// The teardown that ended the child: why, its steps, and the step in effect.
    var teardown: (cause: TeardownReport.Cause, sequence: [TeardownStep], step: Int)?

    init(pid: Int32, pipes: [FileDescriptor?], options: ExecOptions, cmd: String, poll: @escaping PollFunction) {
        self.pid = pid
        self.cmd = cmd
        self.poll = poll
        self.pipes = pipes
        self.options = options
        buffers = pipes.enumerated().map {
            $0.element != nil && $0.offset != 0 ? OutputBuffer(limit: options.maxBuffer) : nil
        }
        for pipe in pipes { try? pipe?.setNonBlocking() }
    }

    private var output: [[UInt8]?] { buffers.map { $0?.bytes } }

    mutating func run() throws(ExecError) -> SpawnSyncResult {
        if options.input == nil || options.input!.isEmpty { closePipe(0) }
        // Without pipes or a timeout there is nothing to multiplex: just wait, as a C loop would.
        if pipes.allSatisfy({ $0 == nil }) && options.timeout == nil { return try finish() }
        pidfd = cp_pidfd_open(pid)
        defer { if pidfd >= 0 { close(pidfd) } }
        var deadline = options.timeout.map { ContinuousClock.now + $0 }
        var exited = false
        while !exited || pipes.contains(where: { $0 != nil }) {
            var fds: [pollfd] = []
            for (index, pipe) in pipes.enumerated() {
                guard let pipe else { continue }
                fds.append(pollfd(fd: pipe.rawValue, events: Int16(index == 0 ? POLLOUT : POLLIN), revents: 0))
            }
            if !exited && pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
            var timeoutMilliseconds: Int32 = -1
            if let due = deadline {
                let left = due - ContinuousClock.now
                if left <= .zero {
                    expire(.timedOut)
                    deadline = nil
                    continue
                }
                timeoutMilliseconds = pollTimeout(left)
            }
            if poll(&fds, nfds_t(fds.count), timeoutMilliseconds) < 0 {
                if errno == EINTR { continue }
                let error = Errno.current
                expire(.pollFailed(error))
                throw execError(.pollFailed(error), status: reap())
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == pidfd { exited = true; continue }
                guard let index = pipes.firstIndex(where: { $0?.rawValue == entry.fd }) else { continue }
                index == 0 ? feedInput() : drain(index)
            }
            if pidfd < 0 && pipes.allSatisfy({ $0 == nil }) { exited = true }
        }
        return try finish()
    }

    /// Reaps the child: the result, with why the library ended it if it did.
    private func finish() throws(ExecError) -> SpawnSyncResult {
        guard let status = reap() else { throw execError(.childAlreadyReaped, status: nil) }
        let report = teardown.map {
            TeardownReport(cause: $0.cause, step: $0.step, signal: $0.sequence[$0.step].signal, status: status)
        }
        return SpawnSyncResult(pid: pid, status: status, output: output, error: failure, encoding: options.encoding,
                               teardown: report)
    }

    /// A run that has no result to give, with the output collected up to then.
    private func execError(_ reason: ExecError.Reason, status: ExitStatus?) -> ExecError {
        let bytes = { (index: Int) in index < buffers.count ? buffers[index]?.bytes ?? [] : [] }
        return ExecError(reason: reason, cmd: cmd, status: status, killed: failure != nil,
                         stdoutBytes: bytes(1), stderrBytes: bytes(2), encoding: options.encoding)
    }

    private mutating func feedInput() {
        guard let stdin = pipes[0], let input = options.input else { return }
        let written = input.withUnsafeBytes { all in
            Glibc.write(stdin.rawValue, all.baseAddress! + inputOffset, all.count - inputOffset)
        }
        if written > 0 { inputOffset += written }
        if (written < 0 && errno != EAGAIN && errno != EINTR) || inputOffset == input.count { closePipe(0) }
    }

    private mutating func drain(_ index: Int) {
        guard let pipe = pipes[index], buffers[index] != nil else { return }
        let count: Int
        do {
            count = try buffers[index]!.read(from: pipe)
        } catch where error == .wouldBlock {
            return
        } catch {
            return closePipe(index)
        }
        if count == 0 { return closePipe(index) }
        if buffers[index]!.overflowed { expire(.maxBufferExceeded(descriptor: Int32(index))) }
    }

    /// Tears the child down, stops collecting, and remembers why.
    private mutating func expire(_ reason: ExecError.Reason) {
        if failure == nil {
            failure = reason
            let cause: TeardownReport.Cause = switch reason {
            case .timedOut: .timedOut
            case .maxBufferExceeded: .maxBufferExceeded
            // A failed poll abandons the run, as a cancellation does.
            default: .cancelled
            }
            tearDown(cause, using: options.teardown ?? .signal(options.killSignal))
        }
        for index in pipes.indices { closePipe(index) }
    }

    /// The blocking form of `ChildProcess`'s teardown, on the calling thread: each step's signal,
    /// then poll(2) on the pidfd through its grace period. Returns once the last step's signal
    /// is sent or the child has exited; the caller reaps it. When members of the targeted group
    /// or tree outlive the child, they get the remaining steps first, as in the async form.
    private mutating func tearDown(_ cause: TeardownReport.Cause, using plan: Teardown) {
        let sequence = plan.sequence
        let leadsGroup = options.detached || options.processGroup == 0
        let target = plan.target ?? (leadsGroup ? .processGroup : .process)
        var descendants: [Descendants] = []
        var childExited = false
        for (index, step) in sequence.enumerated() {
            if childExited {
                SignalDelivery.sendToSurvivors(step.signal, of: target, pid: pid, descendants: &descendants)
            } else {
                teardown = (cause, sequence, index)
                if pidfd >= 0 {
                    _ = SignalDelivery.send(step.signal, to: target, pid: pid, pidfd: pidfd, descendants: &descendants)
                } else {
                    Glibc.kill(pid, step.signal.rawValue)
                }
            }
            guard let grace = step.gracePeriod, pidfd >= 0 else { return }
            let deadline = ContinuousClock.now + grace
            while true {
                let left = deadline - ContinuousClock.now
                if left <= .zero { break }
                // Once the child has exited its pidfd stays readable: then only the time is waited for.
                var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
                let ready = childExited ? Glibc.poll(nil, 0, pollTimeout(left)) : Glibc.poll(&entry, 1, pollTimeout(left))
                if ready > 0 {
                    // Not reaped yet: a zombie leader still holds its group's id.
                    childExited = true
                    if !SignalDelivery.survivorsRemain(of: target, pid: pid, descendants: descendants) { return }
                }
                if ready < 0 && errno != EINTR { break }
            }
        }
    }

    private mutating func closePipe(_ index: Int) {
        guard index < pipes.count, let pipe = pipes[index] else { return }
        // A pipe end's close loses no data (pipe writes are complete when write returns) and
        // Linux releases the number even when it reports EINTR.
        try? pipe.close()
        pipes[index] = nil
    }

    /// Waits for the child; nil when something else in this process reaped it first (ECHILD, the
    /// only error left once pid and options are valid): SIGCHLD set to SIG_IGN, or a stray waitpid(-1).
    private func reap() -> ExitStatus? {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return nil }
        }
        return ExitStatus(waitStatus: status)
    }
}
