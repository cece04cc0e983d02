/// Turns one pipeline's commands into `PlannedStage`s: expands words,
/// decides builtin or program, and lays out the descriptor steps.
///
/// Used by the executor just before a pipeline runs (with the live context)
/// and by `StaticPlanner` for `cpl --plan`.
public struct Planner<Context: ExpansionContext> {
    public var expander: WordExpander<Context>
    /// Names that run as builtins (checked before the PATH).
    public var isBuiltin: @Sendable (String) -> Bool
    /// Names of shell functions: they come after the special builtins and before every other
    /// builtin and the PATH, as in POSIX.
    public var isFunction: (String) -> Bool
    /// `set -C`: `>` does not overwrite an existing regular file.
    public var noclobber: Bool
    /// A simple command with redirections keeps its assignments unexpanded, in
    /// `PlannedStage.deferredAssignments`, for the executor to expand once it has performed the
    /// redirections: POSIX (XCU 2.9.1, steps 3 and 4) and dash do them in that order, so
    /// `x=$(cmd) >f` runs cmd with f already truncated. `--plan`, which performs nothing, expands
    /// them in place.
    var defersAssignments = false
    /// Where remote stages share their ssh connections: the interpreter's.
    var connections = RemoteConnections.shared

    public init(
        context: Context, noclobber: Bool = false, isBuiltin: @escaping @Sendable (String) -> Bool,
        isFunction: @escaping (String) -> Bool = { _ in false }
    ) {
        self.expander = WordExpander(context: context)
        self.noclobber = noclobber
        self.isBuiltin = isBuiltin
        self.isFunction = isFunction
    }

    /// How a command name runs.
    public func action(for arguments: [String]) -> PlannedStage.Action {
        guard let name = arguments.first else { return .assignmentsOnly }
        if isFunction(name), !Builtins.specialNames.contains(name) { return .function(arguments: arguments) }
        return isBuiltin(name) ? .builtin(arguments: arguments) : .program(arguments: arguments)
    }

    public var context: Context {
        get { expander.context }
        set { expander.context = newValue }
    }

    /// The descriptor steps that connect stage `index` of `count` to its
    /// neighbours: (before the stage's redirections, after them).
    public static func wiring(stage index: Int, of count: Int, pipeStderr: [Bool]) -> (before: [DescriptorAction], after: [DescriptorAction]) {
        var before: [DescriptorAction] = []
        var after: [DescriptorAction] = []
        if index > 0 { before.append(.pipe(fd: 0, pipe: index - 1, end: .read)) }
        if index < count - 1 {
            before.append(.pipe(fd: 1, pipe: index, end: .write))
            // `|&` is `2>&1 |`, applied after the stage's own redirections (as in bash).
            if index < pipeStderr.count, pipeStderr[index] { after.append(.duplicate(fd: 2, source: 1)) }
        }
        return (before, after)
    }

    /// Plans stage `index` of `pipeline`. Expansion errors become
    /// `.expansionFailed` when `catchingErrors`, else they are thrown.
    public mutating func planStage(
        _ pipeline: Pipeline, index: Int, catchingErrors: Bool = false
    ) async throws(ExpansionError) -> PlannedStage {
        let command = pipeline.stages[index]
        let (before, after) = Self.wiring(stage: index, of: pipeline.stages.count, pipeStderr: pipeline.pipeStderr)
        do {
            var stage = try await plan(command)
            stage.descriptors = before + stage.descriptors + after
            return stage
        } catch {
            if !catchingErrors { throw error }
            return PlannedStage(action: .expansionFailed(error), descriptors: before + after, range: command.range)
        }
    }

    /// One command with its redirections (no pipe wiring).
    public mutating func plan(_ command: Command) async throws(ExpansionError) -> PlannedStage {
        switch command {
        case .simple(let simple):
            if let placement = remotePlacement(of: simple) {
                return try await planRemote(simple, hosts: placement.hosts, command: placement.command)
            }
            let arguments = try await arguments(of: simple.words)
            let descriptors = try await plan(simple.redirections)
            if defersAssignments, !simple.redirections.isEmpty, !simple.assignments.isEmpty {
                var stage = PlannedStage(action: action(for: arguments), descriptors: descriptors, range: simple.range)
                stage.deferredAssignments = simple.assignments
                return stage
            }
            let assignments = try await expand(simple.assignments, beforeCommand: !arguments.isEmpty)
            return PlannedStage(
                action: action(for: arguments), assignments: assignments, descriptors: descriptors, range: simple.range)
        case .subshell(let group):
            return PlannedStage(
                action: .subshell(group.body), descriptors: try await plan(group.redirections), range: group.range)
        case .braceGroup(let group):
            return PlannedStage(
                action: .group(group.body), descriptors: try await plan(group.redirections), range: group.range)
        case .compound(let compound):
            return PlannedStage(
                action: .compound(compound), descriptors: try await plan(compound.redirections), range: compound.range)
        case .functionDefinition(let function):
            return PlannedStage(action: .defineFunction(function), range: function.range)
        }
    }

    /// A command's assignments, left to right, each seeing the ones before it (`X=2 Y=$X cmd`: Y
    /// is 2). Alone they set shell variables; `beforeCommand`, they are undone once expanded.
    mutating func expand(_ assignments: [Assignment], beforeCommand: Bool) async throws(ExpansionError) -> [PlannedAssignment] {
        var planned: [PlannedAssignment] = []
        var saved: [(String, String?)] = []
        defer { for (name, old) in saved.reversed() { context.assignVariable(name, old) } }
        for assignment in assignments {
            let value = try await expander.string(assignment.value)
            if beforeCommand { saved.append((assignment.name, context.variable(assignment.name))) }
            context.assignVariable(assignment.name, value)
            planned.append(PlannedAssignment(name: assignment.name, value: value))
        }
        return planned
    }

    /// A command planned synchronously: one without redirections that is a group, a compound
    /// command, a function definition, or a simple command whose words all expand without
    /// suspending (see `WordExpander.immediateValue`). Most commands of a loop are such, and the
    /// executor runs them without the task machinery of `plan(_:)`. nil, before anything is
    /// expanded, for any other command (and for prefix assignments before a command, which are
    /// undone).
    mutating func planImmediately(_ command: Command) throws(ExpansionError) -> PlannedStage? {
        switch command {
        case .simple(let simple): return try planImmediately(simple)
        case .braceGroup(let group) where group.redirections.isEmpty:
            return PlannedStage(action: .group(group.body), range: group.range)
        case .compound(let compound) where compound.redirections.isEmpty:
            return PlannedStage(action: .compound(compound), range: compound.range)
        case .functionDefinition(let function): return PlannedStage(action: .defineFunction(function), range: function.range)
        case .subshell, .braceGroup, .compound: return nil
        }
    }

    private mutating func planImmediately(_ simple: SimpleCommand) throws(ExpansionError) -> PlannedStage? {
        guard let (arguments, assignments) = try expandImmediately(simple) else { return nil }
        return PlannedStage(action: action(for: arguments), assignments: assignments, range: simple.range)
    }

    /// The argument fields and assignment values of a simple command that `planImmediately(_:)`
    /// plans (the assignments are made, as `plan(_:)` makes them); nil, before anything is
    /// expanded, for any other.
    mutating func expandImmediately(
        _ simple: SimpleCommand
    ) throws(ExpansionError) -> (arguments: [String], assignments: [PlannedAssignment])? {
        let immediately = simple.expandsImmediately
        guard context.splitsExpansionValues ? immediately.withSplitting : immediately.withoutSplitting else { return nil }
        // Each word is one field or none; `local a=$x` keeps the field (as `arguments(of:)` does),
        // since its text makes it solid. The words are read by index: a loop over the array would
        // copy each one.
        var arguments: [String] = []
        if !simple.words.isEmpty {
            arguments.reserveCapacity(simple.words.count)
            for index in simple.words.indices {
                let (value, solid) = try expander.valueOfImmediateWord(simple.words[index])
                if solid || !value.isEmpty { arguments.append(value) }
            }
        }
        var assignments: [PlannedAssignment] = []
        if !simple.assignments.isEmpty {
            assignments.reserveCapacity(simple.assignments.count)
            for index in simple.assignments.indices {
                let name = simple.assignments[index].name
                let (value, _) = try expander.valueOfImmediateWord(simple.assignments[index].value)
                context.assignVariable(name, value)
                assignments.append(PlannedAssignment(name: name, value: value))
            }
        }
        return (arguments, assignments)
    }

    /// The argument fields of a command's words.
    mutating func arguments(of words: [Word]) async throws(ExpansionError) -> [String] {
        guard let name = words.first?.staticText, Builtins.assignmentNames.contains(name) else {
            return try await expander.fields(words)
        }
        var result = [name]
        for word in words.dropFirst() {
            if case .literal(let text) = word.parts.first, let equals = text.firstIndex(of: "="),
                Parser.isName(String(text[..<equals]))
            {
                result.append(try await expander.string(word))
            } else {
                result += try await expander.fields(word)
            }
        }
        return result
    }

    /// Redirections, left to right.
    public mutating func plan(_ redirections: [Redirection]) async throws(ExpansionError) -> [DescriptorAction] {
        var actions: [DescriptorAction] = []
        for redirection in redirections {
            actions += try await plan(redirection)
        }
        return actions
    }

    mutating func plan(_ redirection: Redirection) async throws(ExpansionError) -> [DescriptorAction] {
        let fd = redirection.effectiveDescriptor ?? 1
        switch redirection.target {
        case .hereDocument(let document):
            return [.hereDocument(fd: fd, text: try await expander.hereDocument(document))]
        case .word(let word):
            let target = try await expander.string(word)
            switch redirection.op {
            case .input: return [.open(fd: fd, path: target, mode: .read)]
            case .output: return [.open(fd: fd, path: target, mode: noclobber ? .noclobber : .truncate)]
            case .clobber: return [.open(fd: fd, path: target, mode: .truncate)]
            case .append: return [.open(fd: fd, path: target, mode: .append)]
            case .readWrite: return [.open(fd: fd, path: target, mode: .readWrite)]
            case .duplicateOutput, .duplicateInput:
                if target == "-" { return [.close(fd: fd)] }
                if let source = Int(target), source >= 0, target.utf8.allSatisfy({ (48...57).contains($0) }) {
                    return [.duplicate(fd: fd, source: source)]
                }
                return [.invalid(fd: fd, message: "\(target): bad file descriptor number")]
            case .hereString:
                return [.hereDocument(fd: fd, text: target + "\n")]
            case .outputAndError:
                return [.open(fd: 1, path: target, mode: noclobber ? .noclobber : .truncate), .duplicate(fd: 2, source: 1)]
            case .appendOutputAndError:
                return [.open(fd: 1, path: target, mode: .append), .duplicate(fd: 2, source: 1)]
            case .hereDocument, .hereDocumentStrippingTabs:
                // The parser always attaches a body to these operators.
                return [.hereDocument(fd: fd, text: target)]
            }
        }
    }
}

extension SimpleCommand {
    /// What `Planner.expandImmediately(_:)` expands: no redirections, no prefix assignments before
    /// a command, every word one that `WordExpander.immediateValue(_:splitting:)` expands, and not
    /// a stage on other hosts (`@h cmd`, which `plan(_:)` plans, starting its ssh; POSIX mode has
    /// no `@`).
    static func expandsImmediately(
        assignments: [Assignment], words: [Word], redirections: [Redirection]
    ) -> (withoutSplitting: Bool, withSplitting: Bool) {
        guard redirections.isEmpty, assignments.isEmpty || words.isEmpty,
            assignments.allSatisfy({ $0.value.expandsImmediately() })
        else { return (false, false) }
        return (
            words.allSatisfy { $0.expandsImmediately(splitting: false) } && words.first?.droppingHostMarker() == nil,
            words.allSatisfy { $0.expandsImmediately(splitting: true) }
        )
    }
}
