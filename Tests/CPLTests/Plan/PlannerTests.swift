import Testing
@testable import CPL

/// Plans `source` statically (no processes) with `variables`.
func staticPlan(_ source: String, variables: [String: String] = [:], noclobber: Bool = false) async -> Plan {
    guard let program = parsed(source) else { return Plan() }
    var planner = StaticPlanner(
        source: source, variables: variables, workingDirectory: "/", noclobber: noclobber,
        isBuiltin: { ["echo", "cd", "export", "set", "unset", "true", "false"].contains($0) })
    return await planner.plan(program)
}

/// The single stage of a single-job, single-pipeline plan.
func onlyStage(_ plan: Plan, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> PlannedStage? {
    guard let stage = plan.jobs.first?.pipelines.first?.stages.first else {
        Issue.record("no stage", sourceLocation: sourceLocation)
        return nil
    }
    return stage
}

@Suite("Planning")
struct PlannerTests {
    @Test func swapStdoutAndStderrThroughFd3() async throws {
        let stage = try #require(onlyStage(await staticPlan("cmd 3>&1 1>&2 2>&3 3>&-")))
        #expect(stage.descriptors == [
            .duplicate(fd: 3, source: 1), .duplicate(fd: 1, source: 2), .duplicate(fd: 2, source: 3), .close(fd: 3),
        ])
        #expect(DescriptorAction.resolve(stage.descriptors) == [0: .inherited(0), 1: .inherited(2), 2: .inherited(1)])
    }

    @Test func redirectionOrderMatters() async throws {
        let both = try #require(onlyStage(await staticPlan("cmd >f 2>&1")))
        #expect(DescriptorAction.resolve(both.descriptors) == [0: .inherited(0), 1: .file("f", .truncate), 2: .file("f", .truncate)])
        let swapped = try #require(onlyStage(await staticPlan("cmd 2>&1 >f")))
        #expect(DescriptorAction.resolve(swapped.descriptors) == [0: .inherited(0), 1: .file("f", .truncate), 2: .inherited(1)])
    }

    @Test func pipeIsConnectedBeforeTheStageRedirections() async throws {
        let plan = await staticPlan("cmd 2>&1 | x")
        let stages = try #require(plan.jobs.first?.pipelines.first?.stages)
        #expect(stages[0].descriptors == [.pipe(fd: 1, pipe: 0, end: .write), .duplicate(fd: 2, source: 1)])
        #expect(DescriptorAction.resolve(stages[0].descriptors)?[2] == .pipe(0, .write))
        #expect(stages[1].descriptors == [.pipe(fd: 0, pipe: 0, end: .read)])
    }

    @Test func pipeStandardErrorToo() async throws {
        let plan = await staticPlan("a |& b | c")
        let stages = try #require(plan.jobs.first?.pipelines.first?.stages)
        #expect(stages[0].descriptors == [.pipe(fd: 1, pipe: 0, end: .write), .duplicate(fd: 2, source: 1)])
        #expect(stages[1].descriptors == [.pipe(fd: 0, pipe: 0, end: .read), .pipe(fd: 1, pipe: 1, end: .write)])
        #expect(stages[2].descriptors == [.pipe(fd: 0, pipe: 1, end: .read)])
        // `|&` is `2>&1 |` applied after the stage's own redirections (as in bash).
        let redirected = await staticPlan("a >f |& b")
        let first = try #require(redirected.jobs.first?.pipelines.first?.stages.first)
        #expect(DescriptorAction.resolve(first.descriptors)?[1] == .file("f", .truncate))
        #expect(DescriptorAction.resolve(first.descriptors)?[2] == .file("f", .truncate))
    }

    @Test func fileModes() async throws {
        let stage = try #require(onlyStage(await staticPlan("cmd <in >out 2>>log 4<>rw 5>|force")))
        #expect(stage.descriptors == [
            .open(fd: 0, path: "in", mode: .read), .open(fd: 1, path: "out", mode: .truncate),
            .open(fd: 2, path: "log", mode: .append), .open(fd: 4, path: "rw", mode: .readWrite),
            .open(fd: 5, path: "force", mode: .truncate),
        ])
        let noclobber = try #require(onlyStage(await staticPlan("cmd >out >|force", noclobber: true)))
        #expect(noclobber.descriptors == [.open(fd: 1, path: "out", mode: .noclobber), .open(fd: 1, path: "force", mode: .truncate)])
        let both = try #require(onlyStage(await staticPlan("cmd &>all &>>more")))
        #expect(both.descriptors == [
            .open(fd: 1, path: "all", mode: .truncate), .duplicate(fd: 2, source: 1),
            .open(fd: 1, path: "more", mode: .append), .duplicate(fd: 2, source: 1),
        ])
        let invalid = try #require(onlyStage(await staticPlan("cmd >&word")))
        #expect(invalid.descriptors == [.invalid(fd: 1, message: "word: bad file descriptor number")])
        #expect(DescriptorAction.resolve(invalid.descriptors) == nil)
    }

    @Test func targetsAreExpandedButNotGlobbed() async throws {
        let stage = try #require(onlyStage(await staticPlan("cmd >$DIR/*.txt", variables: ["DIR": "/tmp/d"])))
        #expect(stage.descriptors == [.open(fd: 1, path: "/tmp/d/*.txt", mode: .truncate)])
    }

    @Test func hereDocumentsAndHereStrings() async throws {
        let plan = await staticPlan("cat <<EOF\nhi $N\nEOF\ncat <<'EOF'\n$N\nEOF\ncat <<-EOF\n\t\tx\n\tEOF\ncat <<< \"$N\"", variables: ["N": "you"])
        let texts = plan.jobs.map { $0.pipelines[0].stages[0].descriptors }
        #expect(texts == [
            [.hereDocument(fd: 0, text: "hi you\n")], [.hereDocument(fd: 0, text: "$N\n")],
            [.hereDocument(fd: 0, text: "x\n")], [.hereDocument(fd: 0, text: "you\n")],
        ])
    }

    @Test func modesAndAndOrChains() async throws {
        let plan = await staticPlan("a; b & c &! d && e || ! f")
        #expect(plan.jobs.map(\.mode) == [.foreground, .background, .detached, .foreground])
        let last = try #require(plan.jobs.last)
        #expect(last.pipelines.map(\.connector) == [nil, .and, .or])
        #expect(last.pipelines.map(\.negated) == [false, false, true])
        #expect(last.sourceText == "d && e || ! f")
    }

    @Test func builtinsProgramsGroupsAndAssignments() async throws {
        let plan = await staticPlan("A=1 B=2 prog x; echo y; (cd /); { true; }; X=3 Y=$X")
        let actions = plan.jobs.map { $0.pipelines[0].stages[0].action }
        #expect(actions[0] == .program(arguments: ["prog", "x"]))
        #expect(actions[1] == .builtin(arguments: ["echo", "y"]))
        guard case .subshell = actions[2], case .group = actions[3] else {
            Issue.record("expected a subshell and a group: \(actions)")
            return
        }
        #expect(actions[4] == .assignmentsOnly)
        #expect(plan.jobs[0].pipelines[0].stages[0].assignments == [.init(name: "A", value: "1"), .init(name: "B", value: "2")])
        #expect(plan.jobs[4].pipelines[0].stages[0].assignments == [.init(name: "X", value: "3"), .init(name: "Y", value: "3")])
    }

    @Test func prefixAssignmentsSeeEarlierOnesButAreUndone() async {
        let plan = await staticPlan("X=1; X=2 Y=$X prog $X; echo $X $Y")
        let stage = plan.jobs[1].pipelines[0].stages[0]
        #expect(stage.assignments == [.init(name: "X", value: "2"), .init(name: "Y", value: "2")])
        #expect(stage.action == .program(arguments: ["prog", "1"]))
        #expect(plan.jobs[2].pipelines[0].stages[0].action == .builtin(arguments: ["echo", "1"]))
    }

    @Test func staticPlanTracksAssignmentsButNotSubshellOnes() async {
        let plan = await staticPlan("X=1; echo $X; (Y=2); echo $Y; export Z=3; echo $Z; a | W=4; echo $W")
        let echoed = plan.jobs.compactMap { job -> [String]? in
            if case .builtin(let arguments) = job.pipelines[0].stages[0].action { return arguments }
            return nil
        }
        #expect(echoed == [["echo", "1"], ["echo"], ["export", "Z=3"], ["echo", "3"], ["echo"]])
    }

    @Test func substitutionsAreShownUnevaluated() async {
        let plan = await staticPlan("echo $(date +%s) `id`")
        #expect(plan.hasUnevaluatedSubstitutions)
        #expect(plan.jobs[0].pipelines[0].stages[0].action == .builtin(arguments: ["echo", "$(date +%s)", "`id`"]))
        #expect(plan.rendered.hasPrefix("# $(…) is shown as written"))
    }

    @Test func expansionErrorsArePlannedAsFailures() async {
        let plan = await staticPlan("echo ${X?not set}")
        guard case .expansionFailed(let error) = plan.jobs[0].pipelines[0].stages[0].action else {
            Issue.record("expected an expansion failure")
            return
        }
        #expect(error.message == "X: not set")
    }

    @Test func renderedPlanIsStable() async {
        let plan = await staticPlan("ps ax | grep -c . >out 2>&1\nsleep 1 &")
        #expect(plan.rendered == """
            job 1 (foreground) at 1:1: ps ax | grep -c . >out 2>&1
              pipeline
                stage 1: program ps ax
                  1> pipe 1
                stage 2: program grep -c .
                  0< pipe 1
                  1> out
                  2>&1
                  = 0: pipe 1 (read end), 1: out (truncate), 2: out (truncate)
            job 2 (background) at 2:1: sleep 1
              own process group; 0< /dev/null unless redirected
              pipeline
                stage 1: program sleep 1

            """)
    }
}
