import Glibc
import Synchronization
import Testing
@testable import CPL

/// Functions and compound commands through `Interpreter`: what one `run` defines, the next
/// sees; Swift builtins decide conditions like any command.
@Suite("Embedding with control flow")
struct ControlFlowEmbeddingTests {
    @Test func functionsDefinedInOneRunAreCalledInTheNext() async {
        let shell = makeInterpreter()
        let definitions = await run(
            """
            greet() { echo "hello $1"; }
            count() {
                local n=0
                for word in "$@"; do n=$((n + 1)); done
                return $n
            }
            fact() { if [ $1 -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi; }
            """, interpreter: shell)
        #expect(definitions.status == 0)
        #expect(definitions.stdoutText == "")
        let calls = await run("greet world; count a b c; echo \"count $?\"; fact 5; type greet | head -n 1", interpreter: shell)
        #expect(calls.stdoutText == "hello world\ncount 3\n120\ngreet is a shell function\n")
        // A later run can redefine one; the others stay.
        _ = await run("greet() { echo \"hi $1\"; }", interpreter: shell)
        #expect(await run("greet again; fact 3", interpreter: shell).stdoutText == "hi again\n6\n")
        // `local` is undone when the function returns, across runs too.
        #expect(await run("n=outer; count x; echo $n", interpreter: shell).stdoutText == "outer\n")
    }

    @Test func aPlanKnowsTheFunctionsOfEarlierRuns() async throws {
        let shell = makeInterpreter()
        _ = await run("greet() { echo \"hello $1\"; }", interpreter: shell)
        let (_, plan) = try await shell.plan("greet x; later() { :; }; later y; other z")
        let actions = plan.jobs.map { $0.pipelines[0].stages[0].action }
        #expect(actions[0] == .function(arguments: ["greet", "x"]))
        #expect(actions[2] == .function(arguments: ["later", "y"]))
        #expect(actions[3] == .program(arguments: ["other", "z"]))
    }

    @Test func aSwiftBuiltinDecidesAnIf() async {
        let shell = makeInterpreter()
        let asked = Mutex<[[String]]>([])
        shell.registerBuiltin("allowed") { call in
            asked.withLock { $0.append(call.arguments) }
            return call.arguments.count > 1 && call.arguments[1] == "yes" ? 0 : 1
        }
        let result = await run(
            """
            if allowed yes; then echo first; else echo not first; fi
            if allowed no; then echo second; elif ! allowed nope; then echo negated; fi
            allowed no || echo or-list
            """, interpreter: shell)
        #expect(result.stdoutText == "first\nnegated\nor-list\n")
        #expect(asked.withLock { $0 } == [["allowed", "yes"], ["allowed", "no"], ["allowed", "nope"], ["allowed", "no"]])
    }

    @Test func aSwiftBuiltinDrivesWhileAndUntilLoops() async {
        let shell = makeInterpreter()
        let remaining = Mutex(3)
        shell.registerBuiltin("more") { _ in
            remaining.withLock { count in
                guard count > 0 else { return 1 }
                count -= 1
                return 0
            }
        }
        shell.registerBuiltin("emit") { call in
            try? await call.stdout.write(call.arguments.dropFirst().joined(separator: " ") + "\n")
            return 0
        }
        let loops = await run(
            """
            while more; do emit tick; done
            echo "while $?"
            n=0
            until [ $n = 2 ]; do n=$((n + 1)); emit "until $n"; done
            for i in a b; do emit "$i" | tr a-z A-Z; done
            """, interpreter: shell)
        #expect(loops.stdoutText == "tick\ntick\ntick\nwhile 0\nuntil 1\nuntil 2\nA\nB\n")
        #expect(remaining.withLock { $0 } == 0)
        // A function from an earlier run calls the builtin in its loop.
        remaining.withLock { $0 = 2 }
        _ = await run("drain() { while more; do emit \"left $1\"; done; }", interpreter: shell)
        #expect(await run("drain now", interpreter: shell).stdoutText == "left now\nleft now\n")
    }

    @Test func breakAndContinueLeaveALoopDrivenByABuiltin() async {
        let shell = makeInterpreter()
        let calls = Mutex(0)
        shell.registerBuiltin("tick") { _ in
            calls.withLock { $0 += 1 }
            return 0
        }
        let result = await run(
            """
            i=0
            while tick; do
                i=$((i + 1))
                [ $i = 2 ] && continue
                [ $i = 4 ] && break
                echo $i
            done
            """, interpreter: shell)
        #expect(result.stdoutText == "1\n3\n")
        #expect(calls.withLock { $0 } == 4)
    }
}

/// A run that never leaves the interpreter (a loop of builtins) still answers `interrupt()` and
/// the cancellation of the task waiting for it. The file the loop writes first says that it runs;
/// the loop is long enough (minutes) that only the interrupt can end it within the test, however
/// loaded the machine: its bound is only a hang guard. One at a time: each loop holds a thread.
@Suite("Stopping a loop of builtins", .serialized)
struct BuiltinLoopStopTests {
    static let longLoop = "echo > started; i=0; while [ $i -lt 20000000 ]; do i=$((i + 1)); done; echo finished"

    @Test func interruptStopsIt() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = makeInterpreter(in: directory)
        let task = Task { await run(Self.longLoop, in: directory, interpreter: shell) }
        #expect(await eventually { readFileText("\(directory)/started") != nil })
        shell.interrupt()
        let result = await task.value
        #expect(result.ending == .interrupted)
        #expect(result.status == 130)
        #expect(result.stdoutText == "")
    }

    /// As many loops of builtins as the concurrency pool has threads, each never suspending for a
    /// command: they still leave the pool to other tasks now and then, or nothing else in this process
    /// could run (the test's own waits and the interrupts that stop them included) until they end.
    @Test func loopsOfBuiltinsLeaveThePoolToOtherTasks() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let width = max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let shells = (0..<width).map { _ in makeInterpreter(in: directory) }
        let loops = shells.enumerated().map { index, shell in
            Task {
                await run("echo > started\(index); i=0; while [ $i -lt 3000000 ]; do i=$((i + 1)); done; echo finished",
                          in: directory, interpreter: shell)
            }
        }
        #expect(await eventually { (0..<width).allSatisfy { readFileText("\(directory)/started\($0)") != nil } })
        for shell in shells { shell.interrupt() }
        for loop in loops {
            let result = await loop.value
            #expect(result.ending == .interrupted)
            #expect(result.stdoutText == "")
        }
    }

    @Test func cancellingTheWaitingTaskStopsIt() async {
        let directory = makeTemporaryDirectory()
        defer { removeTree(directory) }
        let shell = makeInterpreter(in: directory)
        let task = Task { await run(Self.longLoop, in: directory, interpreter: shell) }
        #expect(await eventually { readFileText("\(directory)/started") != nil })
        task.cancel()
        let result = await task.value
        #expect(result.ending == .cancelled)
        #expect(result.stdoutText == "")
    }
}
