import ChildProcess
import Glibc

extension Executor {
    /// Runs a remote stage. One host: ssh is the stage's program, its stdio the stage's
    /// descriptors (redirections apply here, on this host). Several: `fanOut`.
    func run(_ remote: RemoteStage, descriptors table: DescriptorTable, reporter: Job?) async -> Int32 {
        for invocation in remote.invocations { await trace(invocation.arguments, assignments: []) }
        // Only when this process is the shell: an embedding program keeps its own dispositions
        // (killed by a signal, it leaves masters that stop after ControlPersist).
        if session.execReplacesProcess { session.signalTraps.catchFatalSignalsForCleanup(interactive: session.jobControl) }
        let stderr = ShellOutput(table[2])
        guard remote.isFanOut else {
            let invocation = remote.invocations[0]
            let witness = startInterruptWitness()
            var status = await runProgram(invocation.arguments, assignments: [], descriptors: DescriptorHandoff(table), reporter: reporter)
            // ssh answers the SIGTERM that stops a cancelled run with 255, its own failure: the
            // stage ends as a local program stopped so does, without a message.
            if status == 255, session.stopRequested { status = 128 + SIGTERM }
            if let witness {
                // Only the witness: its group may hold the pipeline's other stages.
                Glibc.kill(witness.pid, SIGKILL)
                if (try? await witness.waitForExit())?.signal == .interrupt {
                    status = 128 + SIGINT
                    context.placement.job?.processInterrupted()
                }
            }
            for message in SSHRun.messages(invocation, status: status, place: messagePlace) { try? await stderr.write(message) }
            return status
        }
        reporter?.lastStageLaunched(pid: nil)
        return await fanOut(remote, stdout: ShellOutput(table[1]), stderr: stderr)
    }

    /// Runs the command on every host at once (at most `parallelism` at a time), stdin empty,
    /// each line of output written whole with its host before it. The status is 0 when every
    /// host succeeded, else the first failed host's (in the order given), after a summary of the
    /// hosts that failed.
    private func fanOut(_ remote: RemoteStage, stdout: ShellOutput, stderr: ShellOutput) async -> Int32 {
        var spawnOptions = SpawnOptions(cwd: state.workingDirectory, environment: state.environment(), stdio: [.ignore, .pipe, .pipe])
        spawnOptions.inheritedSignalDispositions = Set(SignalTraps.ignored(by: state.traps))
        let options = spawnOptions
        let lines = PrefixedLines(stdout: stdout, stderr: stderr)
        let place = messagePlace
        let invocations = remote.invocations
        let statuses = await withTaskGroup(of: (Int, Int32).self) { group in
            func start(_ index: Int) {
                group.addTask {
                    let invocation = invocations[index]
                    let status = await SSHRun.runPrefixed(invocation, options: options, lines: lines)
                    for message in SSHRun.messages(invocation, status: status, place: place) { await lines.write(message, error: true) }
                    return (index, status)
                }
            }
            var next = 0
            while next < min(remote.parallelism, invocations.count) {
                start(next)
                next += 1
            }
            var statuses = [Int32](repeating: 0, count: invocations.count)
            for await (index, status) in group {
                statuses[index] = status
                if next < invocations.count {
                    start(next)
                    next += 1
                }
            }
            return statuses
        }
        // Stopped by a cancelled run: no host failed, each was stopped (see `SSHRun.runPrefixed`).
        if session.stopRequested { return 128 + SIGTERM }
        let failed = zip(invocations, statuses).filter { $0.1 != 0 }
        guard let first = failed.first else { return 0 }
        let list = failed.map { "\($0.0.host) (status \($0.1))" }.joined(separator: ", ")
        await lines.write(SSHRun.message("\(failed.count) of \(invocations.count) hosts failed: \(list)", place: place), error: true)
        return first.1
    }

    /// Ctrl-C at a terminal reaches the foreground job's process group, and ssh answers it with
    /// 255, its own failure, where a local program dies of the signal (which ends the rest of the
    /// command line). A witness in the group tells the two apart: a process that does nothing and
    /// dies of the interrupt too. nil but for a foreground job under job control.
    private func startInterruptWitness() -> ChildProcess? {
        guard let slot = context.placement.groupSlot, slot.terminal != nil, context.placement.job?.tracksStops == true else { return nil }
        return try? slot.spawn { group throws(SpawnError) in
            var options = SpawnOptions(stdio: .all(.ignore))
            options.processGroup = group
            if group == 0 { options.foregroundTerminal = slot.terminal?.descriptor }
            return try ChildProcess.spawn("/bin/sleep", ["infinity"], options: options)
        }.0
    }

    /// `cpl: file:line:column: ` of the stage, for its messages.
    private var messagePlace: String { MessagePlace.prefix(fileName: context.source.fileName, context.location) }

}

/// The parts of running ssh that need nothing of the executor (they run in a fan-out's tasks).
enum SSHRun {
    static func runPrefixed(_ invocation: RemoteStage.Invocation, options: SpawnOptions, lines: PrefixedLines) async -> Int32 {
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(invocation.arguments[0], Array(invocation.arguments.dropFirst()), options: options)
        } catch {
            await lines.write("\(invocation.host): cannot run \(invocation.arguments[0]): \(error.errno.description)\n", error: true)
            return 127
        }
        let prefix = invocation.host + ": "
        async let output: Void = lines.relay(child.stdout!, prefix: prefix, error: false)
        async let errors: Void = lines.relay(child.stderr!, prefix: prefix, error: true)
        let status: Int32
        do {
            status = try await child.waitForExit().shellStatus
        } catch {
            switch error {
            // Cancelled: ssh answers the SIGTERM with 255, its own failure; the host was stopped.
            case .aborted: status = 128 + SIGTERM
            case .childAlreadyReaped: status = 127
            }
        }
        _ = await (output, errors)
        return status
    }

    /// What ssh said about `invocation` (its `-E` log), as messages naming the host; the log is
    /// removed. Status 255 with a log is ssh's own failure (no connection, no login, unknown host key).
    static func messages(_ invocation: RemoteStage.Invocation, status: Int32, place: String) -> [String] {
        let log = invocation.logPath.withLosslessCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard log >= 0 else { return [] }
        let bytes = FileDescriptor(rawValue: log).readToEnd()
        close(log)
        _ = invocation.logPath.withLosslessCString { unlink($0) }
        let said = String(losslessBytes: bytes).split(separator: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if said.isEmpty { return [] }
        if status == 255 {
            return [message("\(invocation.host): ssh failed (status 255): " + said.joined(separator: "; "), place: place)]
        }
        return said.map { message("\(invocation.host): ssh: \($0)", place: place) }
    }

    static func message(_ text: String, place: String) -> String { "cpl: \(place)\(text)\n" }
}

/// Lines of many hosts written to one stdout and one stderr: each whole, in one write, one at a time.
final class PrefixedLines: Sendable {
    private let stdout: ShellOutput
    private let stderr: ShellOutput
    private let lock = AsyncLock()

    init(stdout: ShellOutput, stderr: ShellOutput) {
        self.stdout = stdout
        self.stderr = stderr
    }

    func write(_ text: String, error: Bool) async {
        await lock.lock()
        // A reader gone (`| head -1`) drops the rest, as a program's output would be.
        try? await (error ? stderr : stdout).write(text)
        lock.unlock()
    }

    /// Copies `pipe` line by line, each with `prefix`; a last line without a newline gets one.
    func relay(_ pipe: StdioPipe, prefix: String, error: Bool) async {
        do {
            for try await line in LineSequence(pipe, decoding: .lossless) { await write(prefix + line + "\n", error: error) }
        } catch {
            return  // a read error ends the copy as the end of the output does
        }
    }
}
