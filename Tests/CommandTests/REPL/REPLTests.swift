// The REPL through a real pseudo-terminal: prompt, multi-line input, history, completion,
// Ctrl-C, Ctrl-Z with jobs/fg/bg, job notices, terminal modes, Ctrl-D and exit.

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

// Serialized: each test blocks its thread while it waits for the screen.
@Suite("REPL on a pseudo-terminal", .serialized)
struct REPLTests {
    /// A session in a fresh directory that is also `$HOME` (so the prompt starts with `~`).
    func session(_ extra: [String: String] = [:], in directory: String? = nil) throws -> (TerminalSession, String) {
        let cpl = try BuiltCPL.required()
        let directory = directory ?? makeDirectory()
        var environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LC_ALL": "C", "USER": "tester"]
        environment.merge(extra) { $1 }
        let session = try TerminalSession(cpl: cpl, directory: directory, environment: environment)
        try session.expect("~")  // the first prompt
        return (session, directory)
    }

    private func makeDirectory() -> String {
        let path = NSTemporaryDirectory() + "cpl-repl-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func promptShowsTheDirectoryAndAFailedStatus() throws {
        let (terminal, _) = try session()
        terminal.type("echo hi | tr a-z A-Z\n")
        try terminal.expect("HI\n")
        terminal.type("false\n")
        try terminal.expect("~ [1]")
        terminal.type("mkdir sub; cd sub\n")
        try terminal.expect("~/sub")
        terminal.type("PS1='cpl(\\W:\\?)> '\n")
        try terminal.expect("cpl(sub:0)> ")
        terminal.type("sh -c 'exit 7'\n")
        try terminal.expect("cpl(sub:7)> ")
    }

    @Test func incompleteInputAsksForMoreAndErrorsPointAtTheColumn() throws {
        let (terminal, _) = try session()
        terminal.type("echo \"one\n")
        try terminal.expect("> ")
        terminal.type("two\" | tr a-z A-Z\n")
        try terminal.expect("ONE\nTWO\n")
        terminal.type("echo left |\n")
        try terminal.expect("> ")
        terminal.type("tr a-z A-Z && \\\n")
        try terminal.expect("> ")
        terminal.type("echo right | tr a-z A-Z\n")
        try terminal.expect("LEFT\nRIGHT\n")
        terminal.type("{ echo grouped\n")
        try terminal.expect("> ")
        terminal.type("} | tr a-z A-Z\n")
        try terminal.expect("GROUPED\n")
        terminal.type("cat <<END\n")
        try terminal.expect("> ")
        terminal.type("here doc\n")
        try terminal.expect("> ")
        terminal.type("END\n")
        try terminal.expect("here doc\n")
        terminal.type("echo ok )\n")
        let diagnostic = try terminal.expect("^")
        #expect(diagnostic.contains("<stdin>:1:9"))
        #expect(diagnostic.contains("echo ok )"))
        terminal.type("echo still | tr a-z A-Z\n")
        try terminal.expect("STILL\n")
    }

    @Test func historyIsWrittenAsLinesAreAcceptedAndRecalled() throws {
        let directory = makeDirectory()
        let file = directory + "/history"
        do {
            let (terminal, _) = try session(["CPL_HISTORY": file], in: directory)
            for line in ["echo one", "echo one", "   ", "echo two", "echo one"] {
                terminal.type(line + "\n")
                try terminal.expect("~")
            }
            // Written as each line was accepted: nothing waits for the exit.
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "echo one\necho two\necho one\n")
            terminal.type("\u{1B}[A\u{1B}[A\n")  // Up, Up, Enter
            try terminal.expect("two\n")
            try terminal.expect("~")  // it ran, so it is recorded: the next session sees it
        }
        let (again, _) = try session(["CPL_HISTORY": file], in: directory)
        again.type("\u{1B}[A | tr a-z A-Z\n")  // the line the last session recalled: `echo two`
        try again.expect("TWO\n")
        // Without $CPL_HISTORY it is ~/.cpl_history.
        let (plain, home) = try session()
        plain.type("echo remembered | tr a-z A-Z\n")
        try plain.expect("REMEMBERED\n")
        #expect(try String(contentsOfFile: home + "/.cpl_history", encoding: .utf8) == "echo remembered | tr a-z A-Z\n")
    }

    @Test func aCompoundCommandOverSeveralLinesIsOneHistoryEntry() throws {
        let directory = makeDirectory()
        let file = directory + "/history"
        let (terminal, _) = try session(["CPL_HISTORY": file], in: directory)
        terminal.type("for i in 1 2\n")
        try terminal.expect("> ")
        terminal.type("do\n")
        try terminal.expect("> ")
        terminal.type("echo item$i\n")
        try terminal.expect("> ")
        terminal.type("done\n")
        try terminal.expect("item2\n")
        try terminal.expect("~")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "for i in 1 2; do echo item$i; done\n")
        terminal.type("\u{1B}[A | tr a-z A-Z\n")  // the whole loop comes back as one line
        try terminal.expect("ITEM2\n")
    }

    @Test func theStartupFileRunsInTheSessionAndBackgroundJobsAreAnnounced() throws {
        let directory = makeDirectory()
        createFile(directory + "/.cplrc", "greet() { echo \"hi, $1\"; }\nSTARTED=yes\n")
        let (terminal, _) = try session(in: directory)
        terminal.type("greet you; echo $STARTED $-\n")
        try terminal.expect("hi, you\nyes i\n")
        terminal.type("sleep 1000 &\n")
        try terminal.expect("[1] ")
        let pid = try terminal.expect("\n").filter(\.isNumber)
        #expect(!pid.isEmpty && FileManager.default.fileExists(atPath: "/proc/\(pid)"))
        terminal.type("kill %1; wait\n")
        try terminal.expect("~")
        // $CPL_RC names another file.
        createFile(directory + "/other-rc", "OTHER=picked\n")
        let (other, _) = try session(["CPL_RC": directory + "/other-rc"], in: directory)
        other.type("echo ${OTHER:-none} ${STARTED:-none}\n")
        try other.expect("picked none\n")
    }

    @Test func tildeAndVariablePathsCompleteWithoutEscapingTheirStart() throws {
        let directory = makeDirectory()
        createFile(directory + "/.hidden-file", "dotted\n")
        let (terminal, _) = try session(in: directory)
        terminal.type("cat ~/.hidden-f\t\n")
        try terminal.expect("cat ~/.hidden-file")
        try terminal.expect("dotted\n")
        terminal.type("cat $HOME/.hidden-f\t\n")
        try terminal.expect("cat $HOME/.hidden-file")
        try terminal.expect("dotted\n")
    }

    @Test func tabCompletesProgramsBuiltinsFilesAndVariables() throws {
        let directory = makeDirectory()
        createFile(directory + "/my notes.txt", "spaced\n")
        try FileManager.default.createDirectory(atPath: directory + "/folder", withIntermediateDirectories: true)
        createFile(directory + "/folder/inner", "inside\n")
        let (terminal, _) = try session(["GREETING_WORD": "hello"], in: directory)
        terminal.type("tou\t")          // a program from PATH: touch
        try terminal.expect("touch ")
        terminal.type("\u{15}expo\t")   // a builtin
        try terminal.expect("export ")
        terminal.type("\u{15}cat my\t\n")   // a file name with a space, escaped
        try terminal.expect("cat my\\ notes.txt")
        try terminal.expect("spaced\n")
        terminal.type("cat fol\tinn\t\n")   // a directory gets its slash
        try terminal.expect("inside\n")
        terminal.type("echo $GREETING_W\t | tr a-z A-Z\n")
        try terminal.expect("HELLO\n")
        terminal.type("cd folder\n")     // relative to the shell's directory, not the process's
        try terminal.expect("~/folder")
        terminal.type("cat in\t\n")
        try terminal.expect("inside\n")
    }

    @Test func ctrlCStopsTheJobAndNotTheREPL() throws {
        let (terminal, _) = try session()
        terminal.type("sleep 30; echo not reached\n")
        // Only once `sleep` runs: a shell between two commands may hold a Ctrl-C back (dash does).
        try waitForChild(of: terminal.pid, named: "sleep")
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")
        terminal.type("echo $? | tr 0-9 a-j\n")
        try terminal.expect("bda\n")  // 130
        try terminal.expect("~")
        // At the prompt, Ctrl-C drops the line being typed.
        terminal.type("echo dropped")
        try terminal.expect("dropped")
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")
        terminal.type("echo kept | tr a-z A-Z\n")
        try terminal.expect("KEPT\n")
        #expect(!terminal.screen.contains("\nnot reached"))
    }

    /// 100 interrupts in about a second while a pipeline runs, each both typed (the line
    /// discipline sends it to the foreground group: the job, then, once it is gone, the REPL at its
    /// prompt) and sent to cpl itself: the REPL survives with its terminal modes, and no job or
    /// process of the pipeline is left.
    @Test func aStormOfInterruptsLeavesTheREPLWithItsModesAndNoJob() throws {
        let (terminal, _) = try session()
        terminal.type("echo \"[$(stty -g)]\"\n")
        try terminal.expect("\n[")
        let modes = try terminal.expect("]\n")
        terminal.type("sleep 30 | cat | sleep 30; echo not reached\n")
        try waitForChild(of: terminal.pid, named: "sleep")
        for _ in 0..<100 {
            terminal.type("\u{03}")
            kill(terminal.pid, SIGINT)
            usleep(10_000)  // the pace of the storm, not a wait for anything
        }
        // An interrupt still on its way to the REPL drops the line being typed: type it again.
        for attempt in 1... {
            terminal.type("echo alive\(attempt) | tr a-z A-Z\n")
            do {
                try terminal.expect("ALIVE\(attempt)\n", within: attempt < 10 ? 5 : hangGuardSeconds)
                break
            } catch where attempt < 10 {}
        }
        terminal.type("jobs; echo \"[$(stty -g)]\"\n")
        let listing = try terminal.expect("\n[")
        #expect(!listing.contains("sleep"), "\(listing)")
        #expect(try terminal.expect("]\n") == modes)
        #expect(children(of: terminal.pid).isEmpty)
        #expect(!terminal.screen.contains("\nnot reached"))
    }

    /// The remote `sleep` is a process of this machine (the test servers run on loopback): gone,
    /// with the local ssh client (its argv holds the marker), once Ctrl-C has ended the stage,
    /// whose status is a local program's (ssh itself exits 255).
    @Test func ctrlCEndsARemoteStage() throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let marker = "\(getpid())\(Int.random(in: 10000...99999))"
        let (terminal, _) = try session(["CPL_SSH_COMMAND": hosts.sshCommand])
        terminal.type("@h1 sleep \(marker); echo not reached\n")
        try waitUntil("the remote sleep runs") { !processes(running: ["sleep", marker]).isEmpty }
        let clients = processes(mentioning: marker).filter { readFileText("/proc/\($0)/comm") == "ssh\n" }
        #expect(!clients.isEmpty)
        let arguments = clients.flatMap { readFileText("/proc/\($0)/cmdline")?.split(separator: "\0") ?? [] }
        let controlPath = try #require(arguments.first { $0.hasPrefix("ControlPath=") })
        let directory = String(controlPath.dropFirst("ControlPath=".count).dropLast("/%C".count))
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")  // as for a local program: the rest of the line does not run
        try waitUntil("the remote sleep ends") { processes(running: ["sleep", marker]).isEmpty }
        try waitUntil("the ssh client ends") { clients.allSatisfy { kill($0, 0) != 0 } }
        terminal.type("echo still here | tr a-z A-Z\n")
        try terminal.expect("STILL HERE\n")
        #expect(!terminal.screen.contains("\nnot reached"))
        // Leaving, the REPL stops its master and removes the ControlPath directory.
        terminal.type("exit\n")
        let status = try terminal.waitForExit()
        #expect(status == 0)
        #expect(access(directory, F_OK) != 0, "\(directory) is left")
    }

    /// The same for a fan-out to three hosts: every remote sleep and every ssh client ends, and
    /// the line ends as a local program's would, no host reported as failed.
    @Test func ctrlCEndsAFanOut() throws {
        let hosts = try #require(SSHTestHosts.shared, "\(SSHTestHosts.started)")
        let marker = "\(getpid())\(Int.random(in: 10000...99999))"
        let (terminal, _) = try session(["CPL_SSH_COMMAND": hosts.sshCommand])
        terminal.type("@{h1,h2,h3} sleep \(marker); echo not reached\n")
        try waitUntil("the three remote sleeps run") { processes(running: ["sleep", marker]).count == 3 }
        let clients = processes(mentioning: marker).filter { readFileText("/proc/\($0)/comm") == "ssh\n" }
        #expect(clients.count == 3)
        terminal.type("\u{03}")
        try terminal.expect("~ [130]")
        try waitUntil("the remote sleeps end") { processes(running: ["sleep", marker]).isEmpty }
        try waitUntil("the ssh clients end") { clients.allSatisfy { kill($0, 0) != 0 } }
        terminal.type("echo still here | tr a-z A-Z\n")
        try terminal.expect("STILL HERE\n")
        #expect(!terminal.screen.contains("\nnot reached"))
        #expect(!terminal.screen.contains("failed"), "\(terminal.screen)")
        terminal.type("exit\n")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func ctrlZStopsAJobThatFgAndBgContinue() throws {
        let (terminal, directory) = try session()
        // The jobs below stop where they run no program: a dash that is just vforking a child
        // cannot stop until that child execs, and Ctrl-Z then stops only the child (so bash
        // would wait too). The job reads the terminal after `fg`: it must be in the foreground.
        // (Both stages say they have started: Ctrl-Z stops the processes in the group at that moment.)
        terminal.type("sh -c 'touch started; read line; echo got $line' | sh -c 'touch started2; exec tr a-z A-Z'\n")
        try waitForFile(directory + "/started")
        try waitForFile(directory + "/started2")
        terminal.type("\u{1A}")
        try terminal.expect("[1]+  Stopped                 sh -c 'touch started; read line; echo got $line' | sh -c 'touch started2; exec tr a-z A-Z'")
        try terminal.expect("~ [148]")
        terminal.type("jobs\n")
        try terminal.expect("[1]+  Stopped ")
        terminal.type("fg\n")
        try terminal.expect("exec tr a-z A-Z'\n")  // fg names the job
        terminal.type("typed\n")
        try terminal.expect("GOT TYPED\n")
        // bg: a stopped job goes on in the background; its end is noted before a prompt.
        terminal.type("sh -c 'touch second; until [ -e go ]; do :; done; echo done-in-bg'\n")
        try waitForFile(directory + "/second")
        terminal.type("\u{1A}")
        try terminal.expect("Stopped")
        terminal.type("bg\n")
        try terminal.expect("[1]+ sh -c 'touch second; until [ -e go ]; do :; done; echo done-in-bg' &")
        createFile(directory + "/go")
        try terminal.expect("done-in-bg")
        // Its output comes just before its exit.
        try pressEnter(on: terminal, until: "[1]+  Done                    sh -c 'touch second; until [ -e go ]; do :; done; echo done-in-bg'")
    }

    @Test func ctrlZDoesNotStopACommandSubstitution() throws {
        // As in bash: nothing could continue a substitution's process, so Ctrl-Z does not stop it.
        // Each substitution runs until the test creates its `go` file, once the Ctrl-Z is in: the
        // terminal echoes ^Z as it signals the foreground group.
        let (terminal, directory) = try session()
        terminal.type("echo x$(sh -c 'touch started; until [ -e go ]; do sleep 0.01; done')y\n")
        try waitForFile(directory + "/started")
        terminal.type("\u{1A}")
        try terminal.expect("^Z")
        createFile(directory + "/go")
        try terminal.expect("xy\n")
        // In a pipeline the other stages stop; the substitution finishes, and `fg` goes on.
        terminal.type("echo x$(sh -c 'touch started2; until [ -e go2 ]; do sleep 0.01; done')y | tr a-z A-Z\n")
        try waitForFile(directory + "/started2")
        try waitForChild(of: terminal.pid, named: "tr")
        terminal.type("\u{1A}")
        try terminal.expect("^Z")
        createFile(directory + "/go2")
        try terminal.expect("Stopped")
        terminal.type("fg\n")
        try terminal.expect("XY\n")
    }

    @Test func aContinuedJobStartsProgramsWhereItRuns() throws {
        // The second program of `( a; b )` starts after the job was stopped and continued: with
        // `bg` it must not take the terminal from the prompt; with `fg` it must get it.
        let (terminal, directory) = try session()
        let job = "(sh -c 'touch started; until [ -e go ]; do :; done'; sh -c 'echo groups $(ps -o pgid= -p $$) $(ps -o tpgid= -p $$)' > groups)"
        for (resume, sameGroup) in [("bg", false), ("fg", true)] {
            try? FileManager.default.removeItem(atPath: directory + "/go")
            try? FileManager.default.removeItem(atPath: directory + "/started")
            try? FileManager.default.removeItem(atPath: directory + "/groups")
            terminal.type(job + "\n")
            try waitForFile(directory + "/started")
            terminal.type("\u{1A}")
            try terminal.expect("Stopped")
            terminal.type(resume + "\n")
            try terminal.expect(resume == "bg" ? "&\n" : "groups)\n")
            createFile(directory + "/go")
            try waitForFile(directory + "/groups")
            try pressEnter(on: terminal, until: "~")
            var fields: [Substring] = []
            try waitUntil("three fields in \(directory)/groups") {
                fields = ((try? String(contentsOfFile: directory + "/groups", encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace)
                return fields.count == 3
            }
            #expect(fields.count == 3 && (fields[1] == fields[2]) == sameGroup, "\(resume): \(fields)")
            terminal.type("echo prompt-still-works | tr a-z A-Z\n")
            try terminal.expect("PROMPT-STILL-WORKS\n")
        }
    }

    @Test func backgroundJobsAreNotedWhenTheyFinish() throws {
        let (terminal, _) = try session()
        terminal.type("sh -c 'exit 3' &\n")
        try terminal.expect("[1] ")  // started; the notice of its end may come before the next prompt or after it
        try pressEnter(on: terminal, until: "[1]+  Exit 3                  sh -c 'exit 3'\n")
        terminal.type("jobs\n")
        let listing = try terminal.expect("~")
        #expect(!listing.contains("[1]"))  // noted once, then forgotten
    }

    @Test func foregroundJobsOwnTheTerminalAndItsModesComeBack() throws {
        let (terminal, _) = try session()
        terminal.type("sh -c 'echo group $(ps -o pgid= -p $$) $(ps -o tpgid= -p $$)'\n")
        let line = try terminal.expect("\n~")
        let fields = line.split(separator: "\n").last?.split(separator: " ") ?? []
        #expect(fields.count == 3 && fields[0] == "group" && fields[1] == fields[2], "\(line)")
        terminal.type("stty -icanon -isig\n")  // a job that leaves the terminal in another mode
        try terminal.expect("~")
        terminal.type("stty -a | tr ' ' '\\n' | grep -x -e icanon -e isig | tr a-z A-Z\n")
        try terminal.expect("ISIG\nICANON\n")
    }

    @Test func ctrlDAndExitLeave() throws {
        let (terminal, _) = try session()
        terminal.type("false\n")
        try terminal.expect("[1]")
        terminal.type("\u{04}")
        #expect(try terminal.waitForExit() == 1)

        let (second, directory) = try session()
        second.type("sh -c 'touch started; until false; do :; done'\n")
        try waitForFile(directory + "/started")
        second.type("\u{1A}")
        try second.expect("Stopped")
        second.type("exit 4\n")
        try second.expect("there are stopped jobs")
        let jobProcesses = children(of: second.pid)
        #expect(!jobProcesses.isEmpty)
        second.type("exit 4\n")
        #expect(try second.waitForExit() == 4)
        // The stopped job was hung up, not left behind.
        for child in jobProcesses {
            #expect(eventuallyGone(child), "job \(child) survived the REPL")
        }
    }

    private func waitForFile(_ path: String) throws {
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: path) {
            guard Date() < deadline else { throw TerminalSession.Timeout(expected: path, screen: "") }
            usleep(10_000)
        }
    }

    /// A job's notice comes before the first prompt after it ended: Enter until it shows.
    private func pressEnter(on terminal: TerminalSession, until notice: String) throws {
        for attempt in 1... {
            terminal.type("\n")
            do {
                try terminal.expect(notice, within: 1)
                return
            } catch where attempt < 20 {}
        }
    }

    private func waitUntil(_ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while !condition() {
            guard Date() < deadline else { throw TerminalSession.Timeout(expected: what, screen: "") }
            usleep(10_000)
        }
    }

    /// Waits until a child of `parent` runs the program `name`.
    func waitForChild(of parent: Int32, named name: String) throws {
        let deadline = Date().addingTimeInterval(20)
        while true {
            for child in children(of: parent) {
                if (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8)) == name + "\n" { return }
            }
            guard Date() < deadline else { throw TerminalSession.Timeout(expected: "a child running \(name)", screen: "") }
            usleep(10_000)
        }
    }

    /// The children of every thread of `parent` (a thread's children are listed under that thread).
    private func children(of parent: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(parent)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(parent)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
    }

    private func eventuallyGone(_ pid: Int32) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if kill(pid, 0) != 0 { return true }
            usleep(10_000)
        }
        return false
    }
}
