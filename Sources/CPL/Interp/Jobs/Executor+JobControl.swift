import ChildProcess

extension Executor {
    /// Job control: runs `work` (the processes of the foreground pipeline) in
    /// a task of its own, so that when they all stop (Ctrl-Z) the shell can
    /// list them as a stopped job and go on, as sh does, with status
    /// 128+signal. Without job control it simply runs `work`.
    func runStoppable(_ work: @escaping @Sendable () async -> Int32) async -> Int32 {
        guard let foreground = context.foregroundJob else { return await work() }
        context.foregroundJob = nil  // one task per job
        let task = Task { foreground.finish(await work()) }
        foreground.attach(task)
        switch await foreground.waitForOutcome() {
        case .finished(let status):
            return status
        case .stopped(let signal):
            session.backgroundJobStarted(foreground)
            let session = self.session
            Task {
                _ = await foreground.wait()
                session.backgroundJobFinished(foreground)
            }
            return await list(foreground, stoppedBy: signal)
        }
    }

    /// A foreground job stopped: it keeps its terminal modes for `fg`, joins
    /// the job table as the current job, and is announced as sh does.
    private func list(_ job: Job, stoppedBy signal: Signal) async -> Int32 {
        job.groupSlot?.terminal = nil  // what it starts when continued stays in the background
        job.terminalModes = session.terminal?.modes
        job.mode = .background
        jobs.adopt(job)
        try? await ShellOutput(files[2]).write("\n" + JobListing(jobs.all).line(for: job) + "\n")
        return 128 + signal.rawValue
    }

    /// `fg [%job]`: gives the job the terminal, continues it, and waits for it
    /// to finish or stop again.
    func foreground(_ operands: [String]) async -> Int32 {
        guard session.jobControl else { return await builtinError("fg", "no job control") }
        guard let job = await job(for: "fg", operands) else { return 1 }
        try? await ShellOutput(files[1]).write(job.command + "\n")
        let terminal = session.terminal
        let shellModes = terminal?.modes
        defer {
            job.groupSlot?.terminal = nil
            terminal?.takeBack()
            terminal?.restore(shellModes)
        }
        job.groupSlot?.terminal = terminal
        if let group = job.processGroup { terminal?.give(to: group) }
        if let modes = job.terminalModes { terminal?.restore(modes) }
        job.mode = .foreground
        job.resume()
        switch await job.waitForOutcome() {
        case .finished(let status):
            jobs.remove(job)
            return status
        case .stopped(let signal):
            return await list(job, stoppedBy: signal)
        }
    }

    /// `bg [%job]`: continues a stopped job in the background.
    func background(_ operands: [String]) async -> Int32 {
        guard session.jobControl else { return await builtinError("bg", "no job control") }
        guard let job = await job(for: "bg", operands) else { return 1 }
        job.resume()
        jobs.adopt(job)
        return await writeOutput("[\(job.number)]+ \(job.command) &\n", builtin: "bg")
    }

    private func job(for builtin: String, _ operands: [String]) async -> Job? {
        let spec = operands.first ?? "%+"
        guard let job = jobs.job(spec: spec.hasPrefix("%") ? spec : "%" + spec), job.status == nil else {
            _ = await builtinError(builtin, operands.isEmpty ? "no current job" : "\(spec): no such job")
            return nil
        }
        return job
    }
}
