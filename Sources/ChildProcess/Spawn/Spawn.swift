import CChildProcessShims
import Glibc

extension ChildProcess {
    /// Starts `command` with `arguments` (Node's `child_process.spawn`).
    ///
    /// Throws `SpawnError` at once when the child cannot start: a missing program (ENOENT),
    /// a file that cannot be executed (EACCES, ENOEXEC), a bad `cwd` (syscall `chdir`).
    public static func spawn(
        _ command: String, _ arguments: [String] = [], options: SpawnOptions = SpawnOptions()
    ) throws(SpawnError) -> ChildProcess {
        var launch = try Launch(command: command, arguments: arguments, options: options)
        defer { launch.closeChildEnds() }
        try launch.startThreads()
        let pid = try launch.start()
        return try launch.makeChildProcess(pid: pid)
    }

    /// Starts `executable` with `arguments` as bytes: every byte reaches the child as given, none
    /// need be UTF-8 (for the environment and working directory: `environmentBytes`,
    /// `workingDirectory`). Otherwise `spawn(_:_:options:)`: a name without a slash is looked up
    /// in `PATH`. A string literal picks the `String` form: `spawn("ls", ["-l"])`; a `FilePath`
    /// with `String` arguments crosses over as `spawn(String(losslessPath: path), ["-l"])`.
    public static func spawn(
        _ executable: FilePath, _ arguments: [[UInt8]] = [], options: SpawnOptions = SpawnOptions()
    ) throws(SpawnError) -> ChildProcess {
        try spawn(String(losslessPath: executable), [String](losslessBytes: arguments), options: options)
    }

    /// Replaces this process with `command` (execve), as a shell's `exec command` does: the
    /// descriptors, working directory, environment and signal dispositions are set up as
    /// `options` says for a child, in this process. Returns only by throwing, when the program
    /// cannot be found or run; by then the process's descriptors may already be rearranged, so
    /// the caller should report and exit. (A `.pipe` in `stdio` would lead nowhere: nobody holds
    /// its other end.)
    public static func replaceProcess(
        with command: String, _ arguments: [String] = [], options: SpawnOptions = SpawnOptions()
    ) throws(SpawnError) -> Never {
        var launch = try Launch(command: command, arguments: arguments, options: options)
        defer { launch.closeChildEnds() }
        Reactor.shared.processIsBeingReplaced.store(true, ordering: .releasing)
        defer { Reactor.shared.processIsBeingReplaced.store(false, ordering: .releasing) }
        try launch.start(replacingProcess: true)
        fatalError("exec returned without an error")
    }

    /// `replaceProcess(with:_:options:)` with the program and arguments as bytes, none of which
    /// need be UTF-8 (see `spawn(_:_:options:)`'s byte form).
    public static func replaceProcess(
        with executable: FilePath, _ arguments: [[UInt8]] = [], options: SpawnOptions = SpawnOptions()
    ) throws(SpawnError) -> Never {
        try replaceProcess(with: String(losslessPath: executable), [String](losslessBytes: arguments), options: options)
    }
}

/// The parts of one spawn that must be undone on failure: descriptors opened for the child.
struct Launch: ~Copyable {
    let options: SpawnOptions
    let file: String
    let argv: [String]
    let environment: [String: String]?
    /// Parent fd that becomes child fd i, or -1.
    var sources: [Int32] = []
    /// Descriptors opened only to be given to the child; closed in the parent after the spawn.
    var childEnds: [FileDescriptor] = []
    /// The parent's ends of pipes, by child fd.
    var parentEnds: [FileDescriptor?] = []
    /// The child's pseudo-terminal, once a `.terminal` entry opened it (its parent end is in `parentEnds`).
    var terminal: (childEnd: FileDescriptor, devicePath: String)?

    init(command: String, arguments: [String], options: SpawnOptions) throws(SpawnError) {
        self.options = options
        if let shell = options.shell {
            file = shell
            argv = [options.argv0 ?? shell, "-c", ([command] + arguments).joined(separator: " ")]
        } else {
            file = command
            argv = [options.argv0 ?? command] + arguments
        }
        if let channel = options.stdio.firstIndex(of: .ipc) {
            precondition(options.stdio.lastIndex(of: .ipc) == channel,
                         "a child can have only one IPC channel (Node's ERR_IPC_ONE_PIPE)")
            environment = ChannelEnvironment.forChild(options.environment, channelDescriptor: channel)
        } else {
            environment = options.environment
        }
        // A C string ends at its first NUL: the child would get less than was given. Refused, as
        // Node (ERR_INVALID_ARG_VALUE) and Go (EINVAL) do.
        func holdsNUL(_ string: String) -> Bool { string.utf8.holds(0) }
        guard !holdsNUL(file), !argv.contains(where: holdsNUL), !(options.cwd.map(holdsNUL) ?? false),
              !(environment?.contains { holdsNUL($0.key) || holdsNUL($0.value) } ?? false) else {
            throw SpawnError(errno: .invalidArgument, syscall: "spawn \(file)", path: file, spawnargs: Array(argv.dropFirst()))
        }
        try openStdio()
    }

    private mutating func openStdio() throws(SpawnError) {
        var devNull: FileDescriptor?
        var openedFiles: [StdioOption: FileDescriptor] = [:]
        // Handed over by the caller: closed with the child's ends, whatever happens from here.
        for case .fd(let descriptor, closeAfterSpawn: true) in options.stdio where !childEnds.contains(descriptor) {
            childEnds.append(descriptor)
        }
        for (index, option) in options.stdio.enumerated() {
            let fd = Int32(index)
            var parentEnd: FileDescriptor?
            var failedCall = (syscall: "pipe", path: file)
            do throws(Errno) {
                switch option {
                case .pipe where fd <= 2:
                    let (readEnd, writeEnd) = try FileDescriptor.pipe()
                    let (mine, theirs) = fd == 0 ? (writeEnd, readEnd) : (readEnd, writeEnd)
                    childEnds.append(theirs)
                    parentEnd = mine
                    sources.append(theirs.rawValue)
                case .pipe, .ipc:
                    let (mine, theirs) = try FileDescriptor.socketPair()
                    childEnds.append(theirs)
                    parentEnd = mine
                    sources.append(theirs.rawValue)
                case .ignore where fd <= 2:
                    if devNull == nil {
                        let null = try FileDescriptor.open("/dev/null", O_RDWR)
                        childEnds.append(null)
                        devNull = null
                    }
                    sources.append(devNull!.rawValue)
                case .ignore, .closed:
                    sources.append(-1)
                case .inherit:
                    sources.append(fd)
                case .fd(let descriptor, _):
                    sources.append(descriptor.rawValue)
                case .file(let path, let access):
                    if openedFiles[option] == nil {
                        failedCall = ("open", path)
                        let opened = try FileDescriptor.open(path, access.openFlags)
                        childEnds.append(opened)
                        openedFiles[option] = opened
                    }
                    sources.append(openedFiles[option]!.rawValue)
                case .terminal:
                    if terminal == nil {
                        failedCall = ("posix_openpt", "/dev/ptmx")
                        let opened = try PseudoTerminal.open(size: options.terminalSize)
                        childEnds.append(opened.childEnd)
                        parentEnd = opened.parentEnd
                        terminal = (opened.childEnd, opened.devicePath)
                    }
                    sources.append(terminal!.childEnd.rawValue)
                }
            } catch {
                closeChildEnds()
                closeParentEnds()
                throw SpawnError(errno: error, syscall: failedCall.syscall, path: failedCall.path,
                                 spawnargs: Array(argv.dropFirst()))
            }
            parentEnds.append(parentEnd)
        }
    }

    /// Runs the child; returns its pid. `replacingProcess`: execs in this process instead
    /// (returns only by throwing).
    @discardableResult
    mutating func start(replacingProcess: Bool = false) throws(SpawnError) -> Int32 {
        let searchPath = environment.map { $0["PATH"] } ?? Environment.value(of: "PATH")
        let path: String
        switch ExecutableLookup.resolve(file, searchPath: searchPath, cwd: options.cwd) {
        case .success(let resolved): path = resolved
        case .failure(let error):
            closeParentEnds()
            throw failure(error, step: Int32(CP_STEP_EXEC))
        }
        let cArgv = CStringArray(argv)
        let cEnvironment = environment.map(CStringArray.init(environment:))
        var pid: pid_t = 0
        var failedStep: Int32 = 0
        let error = sources.withUnsafeBufferPointer { sources in
            path.withLosslessCString { cPath in
                withOptionalCString(options.cwd) { cwd in
                    var request = cp_spawn_request()
                    request.path = cPath
                    request.argv = UnsafePointer(cArgv.pointers)
                    request.envp = UnsafePointer(cEnvironment?.pointers ?? environ)
                    request.fd_sources = sources.baseAddress
                    request.fd_count = Int32(sources.count)
                    request.cwd = cwd
                    request.new_session = options.detached || terminal != nil ? 1 : 0
                    request.set_process_group = options.processGroup == nil ? 0 : 1
                    request.process_group = options.processGroup ?? 0
                    request.foreground_terminal = options.processGroup == nil ? -1 : options.foregroundTerminal ?? -1
                    request.controlling_terminal = options.stdio.firstIndex(of: .terminal).map(Int32.init) ?? -1
                    request.kept_dispositions = options.inheritedSignalDispositions
                        .filter { (1...64).contains($0.rawValue) }
                        .reduce(0) { $0 | 1 << UInt64($1.rawValue - 1) }
                    request.set_uid = options.uid == nil ? 0 : 1
                    request.uid = options.uid ?? 0
                    request.set_gid = options.gid == nil ? 0 : 1
                    request.gid = options.gid ?? 0
                    request.replace_process = replacingProcess ? 1 : 0
                    request.parent_death_signal = options.parentDeathSignal?.rawValue ?? 0
                    request.expected_parent = getpid()
                    var error: Int32 = 0
                    let spawn = {
                        // ETXTBSY: the program was just written, and a child another thread is
                        // starting still holds it open for writing until that child execs. It
                        // passes within a moment: retry briefly (about 50 ms in all).
                        error = cp_spawn(&request, &pid, &failedStep)
                        for attempt in 1...10 where error == ETXTBSY {
                            usleep(UInt32(attempt) * 1000)
                            error = cp_spawn(&request, &pid, &failedStep)
                        }
                    }
                    if options.parentDeathSignal != nil && !replacingProcess { ForkingThread.shared.run(spawn) } else { spawn() }
                    return error
                }
            }
        }
        if error != 0 {
            closeParentEnds()
            throw failure(Errno(rawValue: error), step: failedStep)
        }
        return pid
    }

    /// The reactor reaps the child and serves its streams, so it must be running before the child
    /// is, as must the forking thread that starts a child with a parent-death signal: a process out
    /// of descriptors or threads fails here, with nothing started.
    mutating func startThreads() throws(SpawnError) {
        do throws(StartFailure) {
            try Reactor.shared.start()
            if options.parentDeathSignal != nil { try ForkingThread.shared.startIfNeeded() }
        } catch {
            closeParentEnds()
            throw SpawnError(errno: error.errno, syscall: error.syscall, path: file, spawnargs: Array(argv.dropFirst()))
        }
    }

    /// Wraps the running child; past this point failures kill it rather than leak it.
    mutating func makeChildProcess(pid: Int32) throws(SpawnError) -> ChildProcess {
        let pidfd = cp_pidfd_open(pid)
        guard pidfd >= 0 else {
            let error = Errno.current
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            closeParentEnds()
            throw SpawnError(errno: error, syscall: "pidfd_open", path: file, spawnargs: Array(argv.dropFirst()))
        }
        var pipes: [StdioPipe?] = []
        var channel: IPCChannel?
        var pseudoTerminal: PseudoTerminal?
        for (index, end) in parentEnds.enumerated() {
            // A pipe end that cannot be made non-blocking is still a valid descriptor; fall back to
            // giving up that stream rather than failing a child that is already running.
            if options.stdio[index] == .ipc {
                channel = end.flatMap { try? IPCChannel(adopting: $0) }
                pipes.append(nil)
            } else if let terminal, options.stdio[index] == .terminal {
                if let end { pseudoTerminal = try? PseudoTerminal(adopting: end, devicePath: terminal.devicePath) }
                pipes.append(nil)
            } else {
                pipes.append(end.flatMap { try? StdioPipe($0, childDescriptor: Int32(index)) })
            }
        }
        parentEnds = []
        let child = ChildProcess(
            pid: pid, pidfd: FileDescriptor(rawValue: pidfd), spawnfile: file, spawnargs: argv,
            stdio: pipes, leadsProcessGroup: options.detached || options.processGroup == 0 || terminal != nil,
            killSignal: options.killSignal, teardown: options.teardown, closeTimeout: options.closeTimeout,
            channel: channel, terminal: pseudoTerminal)
        if let timeout = options.timeout { child.expire(after: timeout) }
        if let handle = options.cancellation { child.abort(on: handle) }
        return child
    }

    /// Tells a bad working directory apart from a missing program: posix_spawn reports both as ENOENT.
    private func failure(_ error: Errno, step: Int32) -> SpawnError {
        let arguments = Array(argv.dropFirst())
        if let cwd = options.cwd, step == CP_STEP_CHDIR || step == CP_STEP_EXEC {
            var info = stat()
            if cwd.withLosslessCString({ stat($0, &info) }) != 0 {
                return SpawnError(errno: .current, syscall: "chdir", path: cwd, spawnargs: arguments)
            }
            if (info.st_mode & S_IFMT) != S_IFDIR {
                return SpawnError(errno: .notDirectory, syscall: "chdir", path: cwd, spawnargs: arguments)
            }
        }
        let syscall = switch step {
        case Int32(CP_STEP_CREDENTIALS): options.uid != nil ? "setuid" : "setgid"
        case Int32(CP_STEP_FORK): "fork"
        case Int32(CP_STEP_REPORT_PIPE): "pipe"
        default: "spawn \(file)"
        }
        return SpawnError(errno: error, syscall: syscall, path: file, spawnargs: arguments)
    }

    mutating func closeChildEnds() {
        // The child has its copies (or failed to start): the parent's are released either way.
        for end in childEnds { try? end.close() }
        childEnds = []
    }

    mutating func closeParentEnds() {
        // Only on a failed spawn, whose error is the one to report.
        for end in parentEnds { try? end?.close() }
        parentEnds = []
    }
}

func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withLosslessCString { body($0) }
}
