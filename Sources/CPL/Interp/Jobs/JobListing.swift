import ChildProcess
import Glibc

/// Job lines as bash writes them, for `jobs`, the Ctrl-Z message and the
/// notices a REPL prints before its prompt:
///
///     [1]-  Running                 sleep 100 &
///     [2]+  Stopped                 vi notes
///     [3]   Done                    make
struct JobListing {
    /// The job table in order: the last is the current job (`%+`), the one before it `%-`.
    let jobs: [Job]

    init(_ jobs: [Job]) {
        self.jobs = jobs
    }

    func line(for job: Job, processIDs: Bool = false) -> String {
        let marker = job === jobs.last ? "+" : (jobs.count > 1 && job === jobs[jobs.count - 2] ? "-" : " ")
        let pids = processIDs ? job.processIDs.map(String.init).joined(separator: ",") + " " : ""
        let state = JobListing.state(of: job)
        let suffix = state == "Running" ? " &" : ""
        return "[\(job.number)]\(marker)  \(pids)\(state.padding(24))\(job.command)\(suffix)"
    }

    static func state(of job: Job) -> String {
        if let signal = job.stopSignal {
            switch signal {
            case .terminalInput: return "Stopped (tty input)"
            case .terminalOutput: return "Stopped (tty output)"
            case .stop: return "Stopped (signal)"
            default: return "Stopped"
            }
        }
        switch job.status {
        case nil: return "Running"
        case 0: return "Done"
        case let status? where status > 128:
            return strsignal(status - 128).map { String(cString: $0) } ?? "Signal \(status - 128)"
        case let status?: return "Exit \(status)"
        }
    }
}
