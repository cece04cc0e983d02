import Synchronization

/// The programs a shell has found on PATH, remembered as dash remembers them (POSIX's "remembered
/// locations", listed by `hash`): a command name is searched for once, not in every PATH entry at
/// every run, until PATH changes or `hash -r`. After `cd` each is searched for again at its next use (a relative PATH
/// entry may now name another directory); `hash` marks those with `*`, as dash does.
///
/// A value in `ShellState`: a subshell finds and remembers for itself, as dash's forked one does.
struct RememberedPrograms: Sendable {
    private struct Entry: Sendable {
        /// The candidate as the search found it: `dir/name`, or `name` for an empty PATH entry.
        var path: String
        var searchAgain: Bool
        /// When it was first remembered: `hash` lists in dash's order, which depends on it.
        var order: Int
    }

    private var entries: [String: Entry] = [:]
    /// The PATH the entries were found on: under another one they are forgotten (dash forgets
    /// them when PATH is assigned).
    private var searchPath: String?
    private var remembered = 0

    /// Where the program `name` is: remembered, or searched for on `searchPath` and then
    /// remembered. A name with a `/` is not searched for, nor remembered.
    mutating func resolve(
        _ name: String, searchPath: String?, workingDirectory: String, in fileSystem: FileSystem
    ) -> PathLookup.Outcome {
        if name.contains("/") {
            return PathLookup.resolve(name, searchPath: searchPath, workingDirectory: workingDirectory, in: fileSystem)
        }
        follow(searchPath)
        // Checked at each use (one stat, not one per PATH entry): one that is gone is searched for
        // again, where dash would fail to run it.
        if let entry = entries[name], !entry.searchAgain,
            fileSystem.isProgram(PathLookup.absolute(entry.path, in: workingDirectory))
        {
            return .found(entry.path)
        }
        let outcome = PathLookup.resolve(name, searchPath: searchPath, workingDirectory: workingDirectory, in: fileSystem)
        if case .found(let path) = outcome {
            entries[name] = Entry(path: path, searchAgain: false, order: entries[name]?.order ?? next())
        } else {
            entries[name] = nil
        }
        return outcome
    }

    /// Whether `name` is remembered for `searchPath` (`type` then calls it "a tracked alias").
    mutating func remembers(_ name: String, searchPath: String?) -> Bool {
        follow(searchPath)
        return entries[name] != nil
    }

    /// `hash -r`, an assignment to PATH, or a command run with its own PATH (dash forgets for it too).
    mutating func forgetAll() {
        entries = [:]
    }

    /// `hash name`: dash looks `name` up afresh, and it is remembered as new.
    mutating func forget(_ name: String) {
        entries[name] = nil
    }

    /// Remembers what `stage`, a pipeline stage's copy of this table, found and this one does not
    /// know, in the order found: dash remembers the programs of its pipelines' stages.
    mutating func adopt(_ stage: RememberedPrograms, searchPath: String?) {
        follow(searchPath)
        guard stage.searchPath == searchPath else { return }
        for (name, entry) in stage.entries.sorted(by: { $0.value.order < $1.value.order }) where entries[name] == nil {
            entries[name] = Entry(path: entry.path, searchAgain: entry.searchAgain, order: next())
        }
    }

    /// After `cd`: each is searched for again at its next use.
    mutating func directoryChanged() {
        for name in entries.keys { entries[name]?.searchAgain = true }
    }

    /// What `hash` prints: one line each, in dash's order (its table's buckets, then the order
    /// they were remembered in), `*` after those to be searched for again.
    mutating func listing(searchPath: String?) -> String {
        follow(searchPath)
        return entries.sorted { left, right in
            let (leftBucket, rightBucket) = (Self.dashBucket(left.key), Self.dashBucket(right.key))
            return leftBucket != rightBucket ? leftBucket < rightBucket : left.value.order < right.value.order
        }.map { $0.value.path + ($0.value.searchAgain ? "*\n" : "\n") }.joined()
    }

    private mutating func follow(_ searchPath: String?) {
        if searchPath != self.searchPath {
            entries = [:]
            self.searchPath = searchPath
        }
    }

    private mutating func next() -> Int {
        remembered += 1
        return remembered
    }

    /// The bucket of dash's command table (exec.c's cmdlookup: 31 buckets, the first byte times 16
    /// plus every byte).
    private static func dashBucket(_ name: String) -> Int {
        var hash = Int(name.utf8.first ?? 0) << 4
        for byte in name.utf8 { hash += Int(byte) }
        return (hash & 0x7FFF) % 31
    }
}

/// What the stages of a pipeline remembered, collected for the shell running it.
final class StagePrograms: Sendable {
    private let tables: Mutex<[RememberedPrograms?]>

    init(stages: Int) {
        tables = Mutex(Array(repeating: nil, count: stages))
    }

    func record(_ table: RememberedPrograms, stage: Int) {
        tables.withLock { $0[stage] = table }
    }

    /// The tables of the stages that ended, in stage order.
    var recorded: [RememberedPrograms] { tables.withLock { $0.compactMap { $0 } } }
}

/// What the executor's `RememberedPrograms` made of a command name, handed to the launcher so that
/// it does not search again (unless an exec handler changed the name or PATH).
struct ProgramLookup: Sendable {
    var name: String
    var searchPath: String?
    var outcome: PathLookup.Outcome
}
