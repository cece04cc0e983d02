import Glibc

/// One resource `ulimit` knows, as dash names and scales it.
struct ResourceLimit {
    let option: Character
    let label: String
    let resource: Int32
    /// The unit `ulimit` counts in, in the kernel's units (bytes for sizes, 512-byte blocks for files).
    let factor: rlim_t

    /// dash's table, in its order (`-u` is bash's name for `-p`).
    static let all: [ResourceLimit] = [
        .init(option: "t", label: "time(seconds)", resource: Int32(RLIMIT_CPU.rawValue), factor: 1),
        .init(option: "f", label: "file(blocks)", resource: Int32(RLIMIT_FSIZE.rawValue), factor: 512),
        .init(option: "d", label: "data(kbytes)", resource: Int32(RLIMIT_DATA.rawValue), factor: 1024),
        .init(option: "s", label: "stack(kbytes)", resource: Int32(RLIMIT_STACK.rawValue), factor: 1024),
        .init(option: "c", label: "coredump(blocks)", resource: Int32(RLIMIT_CORE.rawValue), factor: 512),
        .init(option: "m", label: "memory(kbytes)", resource: Int32(__RLIMIT_RSS.rawValue), factor: 1024),
        .init(option: "l", label: "locked memory(kbytes)", resource: Int32(__RLIMIT_MEMLOCK.rawValue), factor: 1024),
        .init(option: "p", label: "process", resource: Int32(__RLIMIT_NPROC.rawValue), factor: 1),
        .init(option: "n", label: "nofiles", resource: Int32(RLIMIT_NOFILE.rawValue), factor: 1),
        .init(option: "v", label: "vmemory(kbytes)", resource: Int32(RLIMIT_AS.rawValue), factor: 1024),
        .init(option: "w", label: "locks", resource: Int32(__RLIMIT_LOCKS.rawValue), factor: 1),
        .init(option: "r", label: "rtprio", resource: Int32(__RLIMIT_RTPRIO.rawValue), factor: 1),
    ]

    /// RLIM_INFINITY (Glibc's macro does not import as an unsigned value).
    static let unlimited = rlim_t.max

    static func named(_ option: Character) -> ResourceLimit? {
        all.first { $0.option == (option == "u" ? "p" : option) }
    }

    var current: rlimit {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(UInt32(resource)), &limit)
        return limit
    }

    func set(_ limit: rlimit) -> Int32? {
        var limit = limit
        return setrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 ? nil : errno
    }

    /// Every soft and hard limit, to put back when a subshell ends.
    static func snapshot() -> [(ResourceLimit, rlimit)] { all.map { ($0, $0.current) } }

    /// Restores what `snapshot` saw. A hard limit that was lowered cannot be raised again without
    /// CAP_SYS_RESOURCE: it stays, and the soft limit comes back as far as it allows.
    static func restore(_ snapshot: [(ResourceLimit, rlimit)]) {
        for (resource, saved) in snapshot {
            let now = resource.current
            guard now.rlim_cur != saved.rlim_cur || now.rlim_max != saved.rlim_max, resource.set(saved) != nil else { continue }
            _ = resource.set(rlimit(rlim_cur: min(saved.rlim_cur, now.rlim_max), rlim_max: now.rlim_max))
        }
    }
}

extension Executor {
    /// `ulimit [-H|-S] [-a | -tfdscmlpnvwru] [limit]`, dash's: the limits are the cpl process's, so
    /// every program started afterwards inherits them. `-f` is the default resource; setting without
    /// -H or -S sets both limits, printing shows the soft one.
    func ulimit(_ operands: [String]) async -> Int32 {
        var hard = false
        var soft = false
        var listAll = false
        var chosen = ResourceLimit.named("f")!
        var rest = operands[...]
        while let option = rest.first, option.hasPrefix("-"), option.count > 1 {
            rest = rest.dropFirst()
            if option == "--" { break }
            for flag in option.dropFirst() {
                switch flag {
                case "H": hard = true
                case "S": soft = true
                case "a": listAll = true
                default:
                    guard let resource = ResourceLimit.named(flag) else {
                        return await builtinError("ulimit", "Illegal option -\(flag)")
                    }
                    chosen = resource
                }
            }
        }
        func shown(_ resource: ResourceLimit) -> String {
            let limit = resource.current
            let value = soft || !hard ? limit.rlim_cur : limit.rlim_max
            return value == ResourceLimit.unlimited ? "unlimited" : String(value / resource.factor)
        }
        if listAll {
            let listing = ResourceLimit.all.map { "\($0.label.padding(21))\(shown($0))\n" }.joined()
            return await writeOutput(listing, builtin: "ulimit")
        }
        guard let text = rest.first else { return await writeOutput(shown(chosen) + "\n", builtin: "ulimit") }
        guard rest.count == 1 else { return await builtinError("ulimit", "too many arguments") }
        let value: rlim_t
        if text == "unlimited" {
            value = ResourceLimit.unlimited
        } else {
            guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let number = rlim_t(text) else {
                return await builtinError("ulimit", "bad number")
            }
            let (scaled, overflow) = number.multipliedReportingOverflow(by: chosen.factor)
            guard !overflow, scaled != ResourceLimit.unlimited else { return await builtinError("ulimit", "bad number") }
            value = scaled
        }
        var limit = chosen.current
        if hard || !soft { limit.rlim_max = value }
        if soft || !hard { limit.rlim_cur = value }
        if let error = chosen.set(limit) {
            return await builtinError("ulimit", "error setting limit (\(String(cString: strerror(error))))")
        }
        return 0
    }
}
