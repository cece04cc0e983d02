import ChildProcess
import Glibc

// `wait`, `jobs`, `kill`.

extension Executor {
    /// `wait` waits for every job of this context and returns 0; `wait
    /// pid|%job…` returns the last one's status (127 for an unknown pid).
    func wait(_ operands: [String]) async -> Int32 {
        if operands.isEmpty {
            for job in jobs.all {
                _ = await job.wait()
                jobs.remove(job)
                if Task.isCancelled { return 128 + SIGTERM }
            }
            return 0
        }
        var status: Int32 = 0
        for operand in operands {
            let job: Job?
            if operand.hasPrefix("%") {
                job = jobs.job(spec: operand)
                if job == nil {
                    status = await builtinError("wait", "\(operand): no such job")
                    continue
                }
            } else if let pid = Int32(operand) {
                job = jobs.all.first { $0.knownDisplayPID == pid } ?? jobs.job(containing: pid)
            } else {
                status = await builtinError("wait", "\(operand): not a pid or job")
                continue
            }
            guard let job else {
                status = 127
                continue
            }
            status = await job.wait()
            jobs.remove(job)
        }
        return status
    }

    /// `jobs [-l|-p]`: `[1]+  Running                 sleep 9 &`, as bash lists
    /// them; finished jobs are listed once (`Done`, `Exit 3`, `Terminated`)
    /// and then forgotten.
    func listJobs(_ operands: [String]) async -> Int32 {
        let pidsOnly = operands.contains("-p")
        let long = operands.contains("-l")
        let all = jobs.all
        let listing = JobListing(all)
        var text = ""
        for job in all {
            if pidsOnly {
                // What `$!` says: a job just started may not have its pid yet.
                if let pid = await job.displayPID() { text += "\(pid)\n" }
                continue
            }
            text += listing.line(for: job, processIDs: long) + "\n"
            if job.status != nil { jobs.remove(job) }
        }
        return await writeOutput(text, builtin: "jobs")
    }

    /// `kill [-s SIG | -SIG | -n N] pid|%job…`, `kill -l [status]`.
    func kill(_ operands: [String]) async -> Int32 {
        var operands = operands[...]
        var signal = Signal.terminate
        guard let first = operands.first else {
            return await builtinError("kill", "usage: kill [-s SIG | -SIG] pid|%job… or kill -l [status]")
        }
        if first == "-l" || first == "-L" {
            if let number = operands.dropFirst().first {
                guard var value = Int32(number) else { return await builtinError("kill", "\(number): invalid number") }
                if value > 128 { value -= 128 }
                return await writeOutput(String(Signal(rawValue: value).name.dropFirst(3)) + "\n", builtin: "kill")
            }
            let names = Signal.allNamed.map { $0.name.dropFirst(3) }.joined(separator: " ")
            return await writeOutput(names + "\n", builtin: "kill")
        }
        if first == "-s" || first == "-n" {
            guard let name = operands.dropFirst().first else { return await builtinError("kill", "\(first) needs a signal") }
            guard let parsed = Signal(name: name) else { return await builtinError("kill", "\(name): unknown signal") }
            signal = parsed
            operands = operands.dropFirst(2)
        } else if first.hasPrefix("-"), first != "--" {
            guard let parsed = Signal(name: String(first.dropFirst())) else {
                return await builtinError("kill", "\(first.dropFirst()): unknown signal")
            }
            signal = parsed
            operands = operands.dropFirst()
        }
        if operands.first == "--" { operands = operands.dropFirst() }
        guard !operands.isEmpty else { return await builtinError("kill", "no process or job given") }
        var status: Int32 = 0
        for target in operands {
            if target.hasPrefix("%") {
                guard let job = jobs.job(spec: target) else {
                    status = await builtinError("kill", "\(target): no such job")
                    continue
                }
                job.send(signal)
                continue
            }
            guard let pid = Int32(target) else {
                status = await builtinError("kill", "\(target): arguments must be process or job IDs")
                continue
            }
            // `kill $!` for a job with in-process parts stops all of it.
            if pid > 0, let job = jobs.all.first(where: { $0.knownDisplayPID == pid }), job.status == nil {
                job.send(signal)
                continue
            }
            // A signal the shell sends itself is taken now, so that its trap runs before the next
            // command, as in sh (the kernel would hand it to some thread a moment later).
            if pid == getpid(), session.signalTraps.takeOwn(signal, traps: state.traps) { continue }
            if Glibc.kill(pid, signal.rawValue) != 0 {
                status = await builtinError("kill", "(\(pid)) - \(String(cString: strerror(errno)))", status: 1)
            }
        }
        return status
    }
}
