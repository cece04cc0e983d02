import ChildProcess

extension Executor {
    /// `list &` and `list &!`: the and-or list runs as a subshell in a task
    /// of its own. `$!` becomes the pid of its first pipeline's last stage
    /// (or of its first process, when that stage runs in-process).
    ///
    /// - `&`: own process group, stdin from /dev/null unless redirected,
    ///   listed by `jobs`, waited for by `wait` and at the end of the script.
    /// - `&!`: new session, unredirected stdio from/to /dev/null, never
    ///   waited for and never killed by cpl (Node's `detached` + `unref`).
    @discardableResult
    func startBackground(_ item: ListItem, mode: PlannedJob.Mode) -> Job {
        let command = context.source.text(item.andOr.range)
        let job = mode == .background ? jobs.add(mode: mode, command: command, tracksStops: session.jobControl)
            : Job(number: 0, mode: mode, command: command)
        var snapshot = self.snapshot
        if let null = try? OpenFile.devNull() {
            snapshot.files[0] = null
            if mode == .detached {
                snapshot.files[1] = null
                snapshot.files[2] = null
            }
        }
        job.groupSlot = mode == .background ? ProcessGroupSlot() : nil
        snapshot.context.placement.job = job
        snapshot.context.placement.abort = nil  // a job of its own, not a part of the pipeline around it
        snapshot.context.placement.detached = mode == .detached
        snapshot.context.placement.groupSlot = job.groupSlot
        let session = self.session
        let body = Program(
            items: [ListItem(andOr: item.andOr, terminator: .sequential, range: item.range)], range: item.range)
        if mode == .background { session.backgroundJobStarted(job) }
        if session.hasObservers { session.emit(.started(job.info)) }
        let handoff = Handoff(snapshot)
        let task = Task {
            let executor = Executor(subshellOf: handoff.take()!)
            executor.context.launchReporter = job
            let status = await executor.runAsSubshell(body)
            executor.files = DescriptorTable()
            // Observers hear of it before `wait` returns.
            if session.hasObservers {
                var info = job.info
                info.status = status
                session.emit(.finished(info))
            }
            job.finish(status)
            session.backgroundJobFinished(job)
        }
        job.attach(task)
        // `$!` waits for the pid only when it is used: `cmd $(slow) &` returns at once.
        state.lastBackgroundJob = job
        state.lastStatus = 0
        return job
    }
}
