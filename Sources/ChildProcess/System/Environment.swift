import Glibc

/// The environment of this process, as Node's `process.env`.
public enum Environment {
    /// A snapshot of the current process environment, decoded losslessly (see LosslessBytes.swift).
    public static var current: [String: String] {
        var result: [String: String] = [:]
        forEachVariable { name, value in result[name] = value }
        return result
    }

    /// How many entries `environ` holds: what a table of the variables is made to hold at once.
    package static var entryCount: Int {
        var count = 0
        while environ[count] != nil { count += 1 }
        return count
    }

    /// Calls `body` with each variable of the current process environment, in `environ`'s order
    /// (a later entry of a name wins), decoded losslessly: a shell's variable table is filled
    /// without a dictionary of `String`s made first and hashed a second time.
    package static func forEachVariable(_ body: (_ name: String, _ value: String) -> Void) {
        var entry = environ
        while let pointer = entry.pointee {
            // Split at the first `=` byte: a value starting with a combining mark would hide a
            // `=` Character.
            let pair = String.bytes(ofCString: pointer)
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                body(String(losslessBytes: pair[..<equals]), String(losslessBytes: pair[(equals + 1)...]))
            }
            entry += 1
        }
    }

    /// One variable of the current process environment.
    public static func value(of name: String) -> String? {
        name.withLosslessCString { getenv($0) }.map { String(losslessCString: $0) }
    }
}

/// A NUL-terminated array of C strings that frees itself: argv and envp for exec. The strings'
/// lossless bytes are written into one buffer, each with its NUL: two allocations for the whole
/// array, however many strings it holds. The buffer is sized by the strings' UTF-8 lengths, which
/// are known without reading them and are never less than their lossless bytes.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let bytes: UnsafeMutableRawPointer

    /// argv: each string.
    convenience init(_ strings: [String]) {
        self.init(count: strings.count) { entry in
            for string in strings { entry(string, nil) }
        }
    }

    /// envp: `name=value` for each variable, written without building the joined string.
    convenience init(environment: [String: String]) {
        self.init(count: environment.count) { entry in
            for (name, value) in environment { entry(name, value) }
        }
    }

    /// `entries` lists the strings twice, in the same order: once to size the buffer, once to
    /// copy. An entry with a second part is `first=second`.
    private init(count: Int, entries: ((String, String?) -> Void) -> Void) {
        var length = 0
        entries { first, second in
            length += first.utf8.count + 1
            if let second { length += second.utf8.count + 1 }
        }
        bytes = .allocate(byteCount: max(length, 1), alignment: 1)
        pointers = .allocate(capacity: count + 1)
        var next = bytes
        var index = 0
        entries { first, second in
            pointers[index] = next.assumingMemoryBound(to: CChar.self)
            index += 1
            next = first.copyLosslessBytes(to: next)
            if let second {
                next.storeBytes(of: UInt8(ascii: "="), as: UInt8.self)
                next = second.copyLosslessBytes(to: next + 1)
            }
            next.storeBytes(of: 0, as: UInt8.self)
            next += 1
        }
        pointers[count] = nil
    }

    deinit {
        pointers.deallocate()
        bytes.deallocate()
    }
}
