// What every Swift contender shares with the C, Node and Python ones: a monotonic clock, the
// process's own peak RSS, and the one result line the driver reads.
//
// Result line (stdout, last line):  RESULT <value> <peak RSS in KiB>
//   <value> is seconds per operation for timed rows, or units per second for rates.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum Bench {
    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// This program's peak resident set in KiB: VmHWM of /proc/self/status, which is
    /// getrusage(RUSAGE_SELF).ru_maxrss without the high-water mark that execve carries over from a
    /// parent that spawned us with vfork (posix_spawn does): that would be the launcher's, not ours.
    /// Falls back to ru_maxrss where /proc is missing.
    public static func peakRSSKiB() -> Int {
        if let file = fopen("/proc/self/status", "r") {
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, 256, file) != nil {
                let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                if text.hasPrefix("VmHWM:"), let kib = Int(text.dropFirst(6).filter(\.isNumber)) { return kib }
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    /// Prints the result line and flushes.
    public static func report(_ value: Double, peakRSSKiB: Int = Bench.peakRSSKiB()) {
        var line = "RESULT \(value) \(peakRSSKiB)\n"
        line.withUTF8 { _ = write(1, $0.baseAddress, $0.count) }
    }

    /// A contender that cannot run: the message goes to stderr, the driver shows it in the table.
    public static func fail(_ message: String) -> Never {
        var line = "error: \(message)\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        exit(1)
    }

    /// Arguments after the program name.
    public static var arguments: [String] { Array(CommandLine.arguments.dropFirst()) }

    public static func intArgument(_ index: Int, default value: Int) -> Int {
        let args = arguments
        guard index < args.count else { return value }
        guard let parsed = Int(args[index]) else { fail("not a number: \(args[index])") }
        return parsed
    }

    /// Warm-up runs before timing: a tenth of the timed ones, at least one, at most 50.
    public static func warmups(for iterations: Int) -> Int { min(50, max(1, iterations / 10)) }
}
