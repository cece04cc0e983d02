#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ChildProcess

/// The dry run behind `cpl --plan`: plans a whole program before anything
/// runs.
///
/// Honest and simple: assignments (`X=1`, `export X=1`, `${X:=v}`, `unset`,
/// `set -- …`) are executed symbolically, in order; nothing else is (`cd`
/// does not change the directory used for globs, `$?` stays 0). `$(…)` is
/// never run: it is shown as written and `Plan.hasUnevaluatedSubstitutions`
/// is set.
public struct StaticPlanner {
    public struct Context: ExpansionContext, Sendable {
        public var variables: [String: String]
        public var positionalParameters: [String]
        public var scriptName: String
        public var workingDirectory: String
        public var treatsUnsetVariablesAsErrors: Bool
        /// The source the substitutions are sliced from.
        var sourceBytes: [UInt8]
        var sawSubstitution = false
        /// Variables whose values are only known at run time (a `for` name, what `read` sets).
        var dynamicNames: Set<String> = []
        /// The functions defined so far: before the script, and by it as it goes (a definition
        /// in a subshell or a background job is undone with the rest of its context).
        var functionNames: Set<String> = []

        /// Planning a function's body: its parameters are shown as written.
        var parametersAreRunTime = false
        /// POSIX mode: known values are split and globbed as the run will (`$(…)` stays whole).
        public var splitsExpansionValues = false

        public func runTimeStandIn(for name: String) -> String? {
            guard parametersAreRunTime, let first = name.unicodeScalars.first,
                ("1"..."9").contains(first) || name == "#" || name == "@" || name == "*"
            else { return nil }
            return "$" + name
        }

        mutating func markDynamic(_ name: String) {
            dynamicNames.insert(name)
            variables[name] = nil
        }

        public var lastStatus: Int32 { 0 }
        public var splitsSubstitutionOutput: Bool { false }
        public var lastBackgroundProcessID: Int32? { nil }

        public func variable(_ name: String) -> String? {
            dynamicNames.contains(name) ? "$" + name : variables[name]
        }
        public mutating func assignVariable(_ name: String, _ value: String?) {
            dynamicNames.remove(name)
            variables[name] = value
        }

        public mutating func substituteCommand(_ substitution: CommandSubstitution) async throws(ExpansionError) -> String {
            sawSubstitution = true
            let range = substitution.range.byteRange
            guard range.upperBound <= sourceBytes.count else { return "$(…)" }
            return String(decoding: sourceBytes[range], as: UTF8.self)
        }
    }

    public var planner: Planner<Context>
    /// A function body was planned (its parameters are shown as `$1`).
    var plannedFunctionBody = false

    /// - Parameters:
    ///   - source: the text `program` was parsed from (to show `$(…)` and job text).
    ///   - variables: the variables known before the script starts (the environment).
    ///   - positionalParameters: `$1`, `$2`… of the script.
    ///   - scriptName: `$0`.
    ///   - workingDirectory: where relative paths and globs are resolved.
    ///   - noclobber: `set -C` is on: `>` onto an existing file would fail.
    ///   - nounset: `set -u` is on: an unset variable is an error.
    ///   - functionNames: functions defined before the script starts (their calls are shown as calls).
    ///   - isBuiltin: whether a command name is a builtin (shown as run in the shell, not spawned).
    ///   - posix: POSIX mode: unquoted expansions are split and globbed, as the run will do.
    public init(
        source: String, variables: [String: String], positionalParameters: [String] = [],
        scriptName: String = "cpl", workingDirectory: String, noclobber: Bool = false, nounset: Bool = false,
        posix: Bool = false, functionNames: Set<String> = [], isBuiltin: @escaping @Sendable (String) -> Bool
    ) {
        var context = Context(
            variables: variables, positionalParameters: positionalParameters, scriptName: scriptName,
            workingDirectory: workingDirectory, treatsUnsetVariablesAsErrors: nounset,
            sourceBytes: Array(source.utf8), functionNames: functionNames)
        context.splitsExpansionValues = posix
        planner = Planner(context: context, noclobber: noclobber, isBuiltin: isBuiltin)
    }

    /// Plans every item of `program`.
    public mutating func plan(_ program: Program) async -> Plan {
        var result = Plan()
        for item in program.items {
            result.jobs.append(await plan(item))
        }
        result.hasUnevaluatedSubstitutions = planner.context.sawSubstitution
        result.hasRunTimeValues = !planner.context.dynamicNames.isEmpty || plannedFunctionBody
        return result
    }

    mutating func plan(_ item: ListItem) async -> PlannedJob {
        let mode = PlannedJob.Mode(item.terminator)
        // A background job runs in a copy of the context: its assignments do not leak.
        let saved = planner.context
        var pipelines: [PlannedPipeline] = []
        for (index, pipeline) in item.andOr.pipelines.enumerated() {
            let connector = index == 0 ? nil : item.andOr.rest[index - 1].op
            pipelines.append(await plan(pipeline, connector: connector))
        }
        if mode != .foreground {
            let saw = planner.context.sawSubstitution
            planner.context = saved
            planner.context.sawSubstitution = saw
        }
        return PlannedJob(
            mode: mode, pipelines: pipelines, range: item.andOr.range, sourceText: text(item.andOr.range))
    }

    mutating func plan(_ pipeline: Pipeline, connector: AndOrOperator?) async -> PlannedPipeline {
        var stages: [PlannedStage] = []
        let isolated = pipeline.stages.count > 1
        for index in pipeline.stages.indices {
            let saved = planner.context
            planner.isFunction = { [names = planner.context.functionNames] in names.contains($0) }
            var stage = (try? await planner.planStage(pipeline, index: index, catchingErrors: true))!
            switch stage.action {
            case .subshell(let body):
                let inner = planner.context
                stage.body = await plan(body)
                let saw = planner.context.sawSubstitution
                planner.context = inner
                planner.context.sawSubstitution = saw
            case .group(let body):
                stage.body = await plan(body)
            case .compound(let compound):
                let before = planner.context.variables
                stage.sections = await sections(of: compound)
                // Which branch runs, and how often a loop does, is known only when it runs.
                for (name, value) in planner.context.variables where before[name] != value {
                    planner.context.markDynamic(name)
                }
                for name in before.keys where planner.context.variables[name] == nil && !planner.context.dynamicNames.contains(name) {
                    planner.context.markDynamic(name)
                }
            case .defineFunction(let definition):
                planner.context.functionNames.insert(definition.name)  // before its body: it may recurse
                stage.sections = await sections(ofFunction: definition)
            case .builtin(let arguments):
                applySymbolically(arguments)
            default:
                break
            }
            if isolated {
                // Every stage of a multi-stage pipeline is a subshell.
                let saw = planner.context.sawSubstitution
                planner.context = saved
                planner.context.sawSubstitution = saw
            }
            stages.append(stage)
        }
        return PlannedPipeline(connector: connector, negated: pipeline.negated, stages: stages, range: pipeline.range)
    }

    /// The lists of a compound command, each planned once with what is known before it runs.
    /// Variables the command sets as it goes (a `for` name) are shown as written.
    mutating func sections(of compound: CompoundCommand) async -> [PlanSection] {
        switch compound.body {
        case .ifClause(let clause):
            var sections: [PlanSection] = []
            for (index, branch) in clause.branches.enumerated() {
                sections.append(PlanSection(header: index == 0 ? "if" : "elif", plan: await plan(branch.condition)))
                sections.append(PlanSection(header: "then", plan: await plan(branch.body)))
            }
            if let elseBody = clause.elseBody { sections.append(PlanSection(header: "else", plan: await plan(elseBody))) }
            return sections
        case .loop(let loop):
            return [
                PlanSection(header: loop.isUntil ? "until" : "while", plan: await plan(loop.condition)),
                PlanSection(header: "do", plan: await plan(loop.body)),
            ]
        case .forLoop(let loop):
            let values: [String]
            if let words = loop.words {
                values = (try? await planner.expander.fields(words)) ?? words.map(\.sourceText)
            } else {
                values = planner.context.positionalParameters
            }
            planner.context.markDynamic(loop.name)
            let header = "each \(loop.name) of: " + (values.isEmpty ? "(nothing)" : values.map { RemoteShell.quote(argument: $0) }.joined(separator: " "))
            return [PlanSection(header: header, plan: await plan(loop.body))]
        case .caseClause(let clause):
            // Expanded once, as when it runs: for its assignments (`${X:=v}`) and to note a `$(…)`.
            _ = try? await planner.expander.string(clause.word)
            var sections: [PlanSection] = []
            for item in clause.items {
                let header = item.patterns.map(\.sourceText).joined(separator: " | ") + ")"
                sections.append(PlanSection(header: header, plan: await plan(item.body)))
            }
            return sections
        }
    }

    /// A function's body, planned where it is defined, with its parameters shown as written.
    mutating func sections(ofFunction definition: FunctionDefinition) async -> [PlanSection] {
        let saved = planner.context
        planner.context.positionalParameters = []
        planner.context.parametersAreRunTime = true
        plannedFunctionBody = true
        let pipeline = Pipeline(negated: false, stages: [definition.body], pipeStderr: [], range: definition.body.range)
        let body = await plan(pipeline, connector: nil)
        let saw = planner.context.sawSubstitution
        planner.context = saved
        planner.context.sawSubstitution = saw
        let job = PlannedJob(mode: .foreground, pipelines: [body], range: definition.body.range, sourceText: text(definition.body.range))
        return [PlanSection(header: "body of \(definition.name)()", plan: Plan(jobs: [job]))]
    }

    /// The builtins that change variables.
    mutating func applySymbolically(_ arguments: [String]) {
        guard let name = arguments.first else { return }
        let operands = arguments.dropFirst()
        switch name {
        case "export":
            for operand in operands {
                if let equals = operand.firstIndex(of: "=") {
                    planner.context.variables[String(operand[..<equals])] = String(operand[operand.index(after: equals)...])
                }
            }
        case "read", "getopts":
            let names = name == "read" ? operands.filter { !$0.hasPrefix("-") } : Array(operands.dropFirst().prefix(1))
            for variable in names { planner.context.markDynamic(variable) }
        case "unset":
            for operand in operands where !operand.hasPrefix("-") { planner.context.variables[operand] = nil }
        case "set":
            if let dashes = operands.firstIndex(of: "--") {
                planner.context.positionalParameters = Array(operands[operands.index(after: dashes)...])
            }
            let options = operands.prefix(while: { $0 != "--" })
            for (operand, next) in zip(options, options.dropFirst().map(Optional.some) + [nil]) {
                if operand == "-C" { planner.noclobber = true }
                if operand == "+C" { planner.noclobber = false }
                if operand == "-u" { planner.context.treatsUnsetVariablesAsErrors = true }
                if operand == "+u" { planner.context.treatsUnsetVariablesAsErrors = false }
                // `set -o posix` changes the expansions of the commands after it, as in the run.
                if next == "posix", operand == "-o" || operand == "+o" { planner.context.splitsExpansionValues = operand == "-o" }
                if let next, operand == "-o" || operand == "+o", let value = RemoteStage.sshCommandSetting(next), (value != nil) == (operand == "-o") {
                    planner.context.variables[SSHCommand.environmentVariable] = value
                }
            }
        default:
            break
        }
    }

    private func text(_ range: SourceRange) -> String {
        let bytes = planner.context.sourceBytes
        let byteRange = range.byteRange
        guard byteRange.upperBound <= bytes.count else { return "" }
        return String(decoding: bytes[byteRange], as: UTF8.self)
    }
}
