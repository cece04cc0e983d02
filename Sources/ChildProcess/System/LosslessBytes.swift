import Glibc

// Byte strings carried in `String`s, without loss.
//
// Arguments, environment entries, file names and program output are byte strings on Linux: they
// need not be UTF-8. A shell must pass them on unchanged, yet Swift's `String` can only hold Unicode
// scalars. The codec here maps every byte that is not part of valid UTF-8 to one scalar of a
// reserved range (U+10FF80…U+10FFFF, the last 128 code points of plane 16's private use area), as
// Python's surrogateescape does with lone surrogates (which Swift strings cannot hold).
//
// - `String(losslessBytes:)` decodes: valid UTF-8 is decoded as usual; each byte of an invalid
//   sequence, and each byte of a valid sequence that encodes a reserved scalar, becomes
//   U+10FF00 + byte.
// - `losslessBytes` (and `withLosslessCString`) encodes: a reserved scalar becomes its byte; every
//   other scalar is UTF-8.
//
// So `String(losslessBytes: b).losslessBytes == b` for every byte string b, and a string made only of
// valid UTF-8 text outside the reserved range is its own encoding. Everything that crosses the
// boundary to the kernel (argv, envp, paths, reads and writes) goes through these members, never
// through `String(cString:)`, `String(decoding:as:)`, `Array(s.utf8)`, `withCString` or Swift's
// implicit String → `UnsafePointer<CChar>` bridging (all of which are UTF-8 only).
//
// The boundaries, one place per kind:
// - Environment: `Environment.current` and `value(of:)` decode; `CStringArray` encodes argv and envp.
// - The byte forms of the API (`spawn(_: FilePath, _: [[UInt8]])` and the others,
//   `workingDirectory`, `environmentBytes`) decode into the `String` forms at once: one
//   representation inside (`[String](losslessBytes:)`, FilePath+Lossless.swift).
// - Paths: `FileDescriptor.open`, spawn's path and cwd, `ExecutableLookup`; in CPL each `stat`,
//   `access`, `realpath`, `opendir` call wraps its path in `withLosslessCString`. Names from
//   readdir (`FileSystem.system.directoryEntries`: globbing, completion), getcwd and realpath are decoded.
// - Output read: `$(…)` (`Executor.capture`), `ShellInput` text and lines, `RunResult.stdoutText`.
// - Output written: `ShellOutput.write(String)` (builtins, messages, traces, job lines),
//   here-documents and `RunInput.text` (`OpenFile.reading`), `StdioPipe.write(String)`, and the
//   cpl command's `CommandLineTool.write`.
// - Script text: `Script.read`; in the cpl command argv (main.swift), script files and stdin
//   (`CommandLineTool`), readline's lines, prompt, history and completions (REPL/).
// - Users: `UserDatabase`'s fields of /etc/passwd.
// Inside, strings stay lossless: the parser's `Array(source.utf8)` holds a reserved scalar as one
// whole 4-byte sequence that it never splits, so `String(decoding:as:)` of its slices returns it.
// Text for display keeps UTF-8 with U+FFFD: `StdioPipe.text()` and `lines`, `ExecOutput.stdout`,
// JSON, TCP text.

extension String {
    /// The first scalar of the range that stands for raw bytes (U+10FF00 + 0x80).
    static let escapedByteBase: UInt32 = 0x10_FF00

    /// Decodes `bytes`, keeping bytes that are not UTF-8 as reserved scalars (see above).
    public init(losslessBytes bytes: some Collection<UInt8>) {
        // Contiguous bytes are scanned as a buffer: the generic scan, unspecialised outside this
        // module, took seconds for the 20 MB of a `printf '%*s' 20000000 x`.
        let plain = bytes.withContiguousStorageIfAvailable(Self.plainText)
            ?? Array(bytes).withUnsafeBufferPointer(Self.plainText)
        self = plain ?? Self.decodeEscaping(Array(bytes))
    }

    /// Valid UTF-8 that cannot hold a reserved scalar (all of them start with 0xF4), or nil.
    private static func plainText(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return "" }
        guard memchr(start, 0xF4, bytes.count) == nil else { return nil }
        // Decoding repairs invalid UTF-8, so the bytes come back unchanged exactly when they were
        // valid. `String(validating:as:)`, generic over the encoding and not specialised, cost
        // thousands of instructions a string (a fifth of `cpl -c true` went to the environment's).
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count == bytes.count else { return nil }
        return text.utf8.withBytes { memcmp($0.baseAddress!, start, bytes.count) == 0 } ? text : nil
    }

    private static func decodeEscaping(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            let (scalar, length) = Self.scalar(in: bytes, at: index)
            if let scalar, scalar.value < escapedByteBase + 0x80 {
                scalars.append(scalar)
                index += length
            } else {
                // An invalid byte, or the bytes of a reserved scalar: one escape per byte.
                let end = scalar == nil ? index + 1 : index + length
                for byte in bytes[index..<end] {
                    scalars.append(byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(escapedByteBase + UInt32(byte))!)
                }
                index = end
            }
        }
        return String(scalars)
    }

    /// The well-formed UTF-8 scalar starting at `index`, or nil and 1.
    private static func scalar(in bytes: [UInt8], at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        var value: UInt32
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: (length, value) = (2, UInt32(lead & 0x1F))
        case 0xE0: (length, value, low) = (3, UInt32(lead & 0x0F), 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: (length, value) = (3, UInt32(lead & 0x0F))
        case 0xED: (length, value, high) = (3, UInt32(lead & 0x0F), 0x9F)
        case 0xF0: (length, value, low) = (4, UInt32(lead & 0x07), 0x90)
        case 0xF1...0xF3: (length, value) = (4, UInt32(lead & 0x07))
        case 0xF4: (length, value, high) = (4, UInt32(lead & 0x07), 0x8F)
        default: return (nil, 1)
        }
        guard index + length <= bytes.count else { return (nil, 1) }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let (min, max) = offset == 1 ? (low, high) : (0x80, 0xBF)
            guard byte >= min, byte <= max else { return (nil, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (Unicode.Scalar(value), length)
    }

    /// The bytes this string stands for: UTF-8, with reserved scalars turned back into their bytes.
    public var losslessBytes: [UInt8] {
        // Every reserved scalar's UTF-8 starts with 0xF4.
        guard utf8.holds(0xF4) else { return Array(utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let byte = scalar.losslessByte {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Calls `body` with `losslessBytes` as a NUL-terminated C string (for paths and exec).
    public func withLosslessCString<Value, Failure: Error>(
        _ body: (UnsafePointer<CChar>) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        // Typed throws through the standard library's `rethrows` pointer calls: carry a Result out.
        if !utf8.holds(0xF4) {
            return try withCString { pointer in Result { () throws(Failure) in try body(pointer) } }.get()
        }
        var bytes = losslessBytes.map { CChar(bitPattern: $0) }
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(Failure) in try body(buffer.baseAddress!) }
        }.get()
    }

    /// Copies `losslessBytes` to `destination`, which has room for `utf8.count` bytes (never fewer
    /// than `losslessBytes`: a reserved scalar's four bytes stand for one); returns the address
    /// after them. One `memchr` for a string that needs no encoding, and no array made.
    func copyLosslessBytes(to destination: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let copied = utf8.withBytes { buffer -> Int? in
            guard let base = buffer.baseAddress else { return 0 }
            guard memchr(base, 0xF4, buffer.count) == nil else { return nil }
            destination.copyMemory(from: base, byteCount: buffer.count)
            return buffer.count
        }
        if let copied { return destination + copied }
        let bytes = losslessBytes
        bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return destination + bytes.count
    }

    /// A C string's bytes, decoded losslessly.
    public init(losslessCString pointer: UnsafePointer<CChar>) {
        self.init(losslessBytes: Self.bytes(ofCString: pointer))
    }

    /// The bytes of a C string, in place (contiguous, so that decoding takes the fast path).
    static func bytes(ofCString pointer: UnsafePointer<CChar>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
    }
}

extension [String] {
    /// Byte strings (arguments) as lossless strings, one each.
    init(losslessBytes byteStrings: [[UInt8]]) {
        self = byteStrings.map { String(losslessBytes: $0) }
    }
}

extension Unicode.Scalar {
    /// The raw byte this scalar stands for in a lossless string, or nil for every other scalar.
    public var losslessByte: UInt8? {
        value >= String.escapedByteBase + 0x80 ? UInt8(truncatingIfNeeded: value - String.escapedByteBase) : nil
    }
}
