import Glibc

/// The environment of this process, as Node's `process.env`.
public enum Environment {
    /// A snapshot of the current process environment, decoded losslessly (see LosslessBytes.swift).
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            // Split at the first `=` byte: a value starting with a combining mark would hide a
            // `=` Character.
            let pair = String.bytes(ofCString: pointer)
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                result[String(losslessBytes: pair[..<equals])] = String(losslessBytes: pair[(equals + 1)...])
            }
            entry += 1
        }
        return result
    }

    /// One variable of the current process environment.
    public static func value(of name: String) -> String? {
        name.withLosslessCString { getenv($0) }.map { String(losslessCString: $0) }
    }
}

/// A NUL-terminated array of C strings that frees itself: argv and envp for exec.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: some Collection<String>) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = string.withLosslessCString(strdup) }
        pointers[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
