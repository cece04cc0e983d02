// What the results header says about the machine and the tools.
import Glibc

enum Machine {
    static func read(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, 4096, file) != nil { text += buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
        return text
    }

    static func date() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, 64, "%Y-%m-%d %H:%M %Z", &parts)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static var cores: Int { sysconf(Int32(_SC_NPROCESSORS_ONLN)) }

    static func loadAverage() -> String {
        read("/proc/loadavg").split(separator: " ").prefix(3).joined(separator: ", ")
    }

    static func description() -> String {
        let cpu = read("/proc/cpuinfo").split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingPrefix(" ") }
            .map(String.init) ?? "unknown CPU"
        var names = utsname()
        uname(&names)
        let kernel = withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let memory = read("/proc/meminfo").split(separator: "\n").first { $0.hasPrefix("MemTotal") }
            .flatMap { Int($0.split(separator: " ")[1]) }.map { "\($0 >> 20) GiB RAM" } ?? ""
        return "nproc \(cores), \(cpu), \(memory), Linux \(kernel)"
    }

    /// The version Benchmarks/Package.resolved pins a dependency to.
    static func resolvedVersion(of identity: String) -> String? {
        let text = read("Benchmarks/Package.resolved")
        guard let start = text.firstRange(of: "\"identity\" : \"\(identity)\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let key = rest.firstRange(of: "\"version\" : \"") else { return nil }
        return String(rest[key.upperBound...].prefix { $0 != "\"" })
    }

    static func tools(cpl: String) -> String {
        var parts: [String] = []
        if let swift = Launcher.firstLine(["swift", "--version"]) { parts.append(swift) }
        parts.append("swift-subprocess \(resolvedVersion(of: "swift-subprocess") ?? "?")")
        if let gcc = Launcher.firstLine(["gcc", "--version"]) { parts.append(gcc) }
        if let node = Launcher.firstLine(["node", "--version"]) { parts.append("node \(node)") }
        if let python = Launcher.firstLine(["python3", "--version"]) { parts.append(python) }
        if let bash = Launcher.firstLine(["bash", "--version"]) { parts.append(bash) }
        if Launcher.which("dash") {
            let version = Launcher.firstLine(["dpkg-query", "-W", "-f", "${Version}", "dash"]).map { " \($0)" } ?? ""
            parts.append("dash\(version)")
        }
        return parts.joined(separator: "; ")
    }
}
