import ChildProcess
import Glibc
import Testing

/// A pipeline that cannot be set up for want of descriptors or processes, in a `cpl` whose own
/// limit its script lowers (`ulimit -S`, so that it can raise it again): one message naming the
/// call, status 2, the stages already started killed and reaped, nothing leaked, and the next
/// command working. As in dash, the failure ends the shell it happens in: the pipelines run in a
/// subshell, whose status is 2, and the script goes on. The limits are set from what the script counts it holds (`/proc/$$/fd`, the
/// glob's own directory descriptor included, and `/proc/$$/task`), after the hygiene script has
/// warmed up everything cpl opens lazily (the reactor, the thread pool's event loop).
@Suite("Pipelines at the descriptor and process limits")
struct ResourceLimitTests {
    /// `cat /proc/$$/task/*/children` run by cpl lists every child of cpl's threads: the `cat`
    /// itself is the only one when no stage was left running or unreaped.
    static let listChildren = "cat /proc/$$/task/*/children; echo"

    static func pipeline(of stages: Int, _ first: String, _ rest: String) -> String {
        ([first] + Array(repeating: rest, count: stages - 1)).joined(separator: " | ")
    }

    /// Runs `body` in the hygiene script; checks its descriptors and zombies, returns its result.
    static func runHygienic(_ body: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async -> CLIResult {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/limits.cpl", hygieneScript(around: body))
        let result = await runCPL(["limits.cpl"], in: directory, sourceLocation: sourceLocation)
        let before = descriptorKinds(listedIn: "\(directory)/before")
        #expect(!before.isEmpty, sourceLocation: sourceLocation)
        #expect(descriptorKinds(listedIn: "\(directory)/after") == before, sourceLocation: sourceLocation)
        #expect(result.status == 1, "grep -c found no zombie (and exits 1)", sourceLocation: sourceLocation)
        return result
    }

    // Five descriptors free: two pipes fit, the third fails with one slot still free, so the
    // table is never full (libdispatch's pool monitor traps when it is, README "Starved").
    @Test("pipes that do not fit: `pipe: Too many open files`, status 2, nothing started; the next pipeline runs")
    func pipesDoNotFit() async {
        let result = await Self.runHygienic("""
            soft=$(ulimit -Sn)
            set -- /proc/$$/fd/*
            ulimit -Sn $(($# + 4))
            ( \(Self.pipeline(of: 8, "echo a", "cat")) )
            echo "status $?"
            echo b | cat
            ulimit -Sn $soft
            """)
        #expect(result.stderr == "cpl: limits.cpl:10:3: pipe: Too many open files\n")
        #expect(result.stdout == "status 2\nb\n0\n")
    }

    // The pipes fill the table exactly, so the first stage to start cannot get its pidfd. The table
    // is full from there until that stage drops its pipe ends, before its message is written. The
    // first stage runs in-process and waits on a FIFO that cpl itself holds open for writing: only
    // the abort's cancellation ends it, without a message of its own.
    @Test("stages that cannot start: one message naming the call, status 2, the started stages killed and reaped; the next pipeline runs")
    func stagesDoNotFit() async {
        let result = await Self.runHygienic("""
            mkfifo silent; exec 3<>silent
            soft=$(ulimit -Sn)
            set -- /proc/$$/fd/*
            ulimit -Sn $(($# - 1 + 24))
            ( \(Self.pipeline(of: 13, "read x <&3", "sleep 100")) )
            echo "status $?"
            \(Self.listChildren)
            echo b | cat | cat
            ulimit -Sn $soft
            exec 3<&-
            """)
        let messages = result.stderr.split(separator: "\n")
        #expect(messages.count == 1 && messages[0].hasPrefix("cpl: limits.cpl:11:")
            // Which call meets the full table (the spawn moving descriptors, or pidfd_open after it)
            // depends on how many the spawn holds at that moment: either way one call, named.
            && [": sleep: pidfd_open: Too many open files", ": sleep: fork: Too many open files"].contains { messages[0].hasSuffix($0) },
            "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "status 2", "\(result.stdout)")
        #expect(lines.count == 5 && lines[1].split(separator: " ").count == 1, "children of cpl: \(result.stdout)")
        #expect(lines.suffix(3) == ["b", "0", ""], "\(result.stdout)")
    }

    @Test("as dash's `Pipe call failed`, a pipeline that cannot be set up ends the script: status 2, nothing after it runs")
    func resourceFailureEndsTheScript() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        createFile("\(directory)/ends.cpl", """
            echo warm | cat >/dev/null; X=$(echo x)
            set -- /proc/$$/fd/*
            ulimit -Sn $(($# + 4))
            \(Self.pipeline(of: 8, "echo a", "cat"))
            echo not-reached
            """)
        let result = await runCPL(["ends.cpl"], in: directory)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "cpl: ends.cpl:4:1: pipe: Too many open files\n")
    }

    // Root ignores RLIMIT_NPROC, and the limit counts every process of the user: cpl runs as
    // nobody (uid 65534), whose processes are cpl's threads and children alone here.
    @Test("at the process limit: `fork: Resource temporarily unavailable`, status 2, the started stages killed and reaped; with the limit back the next pipeline runs",
          .enabled(if: getuid() == 0, "needs root, to run cpl as nobody (uid 65534)"))
    func processesDoNotFit() async throws {
        let cpl = try BuiltCPL.required()
        // Two processes may start; the third stage cannot, and `sleep` never ends by itself.
        let script = """
            echo warm | cat >/dev/null; X=$(echo x); sleep 0 & wait
            soft=$(ulimit -Su)
            set -- /proc/$$/task/*
            ulimit -Su $(($# + 2))
            ( \(Self.pipeline(of: 6, "sleep 100", "sleep 100")) )
            echo "status $?"
            ulimit -Su $soft
            \(Self.listChildren)
            echo b | cat | cat
            """
        var options = ExecOptions(cwd: "/", environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"],
                                  timeout: .seconds(hangGuardSeconds))
        options.uid = 65534
        options.gid = 65534
        let asNobody = options
        let result = try await onThread { Result { () throws(ExecError) in
            try ChildProcess.spawnSync(cpl, ["-c", script], options: asNobody)
        } }.get()
        #expect(result.status == .exited(0), "\(result.stderr)")
        let messages = result.stderr.split(separator: "\n")
        #expect(messages.count == 1 && messages[0].hasPrefix("cpl: -c:5:")
            && messages[0].hasSuffix(": sleep: fork: Resource temporarily unavailable"), "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "status 2", "\(result.stdout)")
        #expect(lines.count == 4 && lines[1].split(separator: " ").count == 1, "children of cpl: \(result.stdout)")
        #expect(lines.last == "" && lines.dropLast().last == "b", "\(result.stdout)")
    }
}
