#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import ChildProcess

/// Live differential tests against the real `node` on PATH (skipped if absent).
/// Test-only process plumbing uses libc (`popen`), never Foundation.
enum NodeRunner {
    static let isAvailable: Bool = system("command -v node >/dev/null 2>&1") == 0

    /// Writes `bytes` to a fresh temp file and returns its path.
    static func tempFile(_ bytes: [UInt8], suffix: String) -> String {
        var template = Array("/tmp/cpl-json-test-XXXXXX\(suffix)".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(suffix.utf8.count)) }
        precondition(fd >= 0, "mkstemps failed")
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            precondition(n > 0, "write failed")
            written += n
        }
        close(fd)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Runs `node script args...`, returns stdout bytes and the exit status.
    static func run(script: String, arguments: [String] = []) -> (output: [UInt8], status: Int32) {
        let scriptPath = tempFile(Array(script.utf8), suffix: ".js")
        defer { unlink(scriptPath) }
        let command = (["node", scriptPath] + arguments).map { "'\($0)'" }.joined(separator: " ")
        guard let pipe = popen(command, "r") else { return ([], -1) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, pipe) }
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        return (output, pclose(pipe))
    }

    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if result.last?.isEmpty == true { result.removeLast() }
        return result
    }
}

@Suite("JSON vs live Node", .enabled(if: NodeRunner.isAvailable, "node is not on PATH"))
struct JSONNodeDifferentialTests {
    /// Node prints JSON.stringify of a battery of values, one per line; each
    /// line must survive parse → serialize byte for byte.
    @Test("parse → serialize reproduces every line Node's JSON.stringify prints")
    func nodeLinesRoundTrip() throws {
        let script = #"""
        const out = [];
        const emit = v => out.push(JSON.stringify(v));
        // xorshift64*, deterministic
        let s = 0x9E3779B97F4A7C15n;
        const next = () => { s ^= s >> 12n; s ^= (s << 25n) & 0xFFFFFFFFFFFFFFFFn; s ^= s >> 27n;
                             return (s * 0x2545F4914F6CDD1Dn) & 0xFFFFFFFFFFFFFFFFn; };
        const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
        // 1. random bit patterns (all exponents, subnormals, NaN/Inf → null)
        for (let line = 0; line < 200; line++) {
          const a = []; for (let i = 0; i < 100; i++) { u64[0] = next(); a.push(f64[0]); } emit(a);
        }
        // 2. "human" decimals: short digit strings at every exponent
        for (let e = -330; e <= 310; e++) {
          const a = []; for (let i = 0; i < 10; i++) { const d = Number(next() % 100000n); a.push(Number(d + 'e' + e), -Number('0.' + d + 'e' + e)); } emit(a);
        }
        // 3. integers and powers around thresholds
        const t = [0, -0, 1e21, 1e-7, 1e-6, 1e20, 2**53, 2**53 + 2, -(2**63), 2**64, 1e21 - 65536, 999999999999999900000,
                   0.1, 0.2, 0.3, 1/3, 2/3, Math.PI, Math.E, 5e-324, 1.7976931348623157e308, 2.2250738585072014e-308];
        for (let k = 1; k < 60; k++) { t.push(2 ** k - 1, -(2 ** k) + 0.5, 10 ** (k - 30), 1.5 * 10 ** (k - 30)); }
        emit(t);
        // 4. random strings of arbitrary UTF-16 code units (lone surrogates, controls, quotes, astral)
        const pool = [0, 1, 8, 9, 10, 12, 13, 31, 32, 34, 47, 92, 127, 128, 255, 0x7ff, 0x800, 0x2028, 0x2029,
                      0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xfffd, 0xffff, 0x41, 0x7a];
        for (let line = 0; line < 300; line++) {
          let str = ''; const n = Number(next() % 40n);
          for (let i = 0; i < n; i++) {
            const r = Number(next() % 4n);
            if (r === 0) str += String.fromCharCode(Number(next() % 0x10000n));
            else if (r === 1) str += String.fromCodePoint(0x10000 + Number(next() % 0x100000n));
            else str += String.fromCharCode(pool[Number(next() % BigInt(pool.length))]);
          }
          emit(line % 2 ? str : { [str]: str, k: [str] });
        }
        // 5. structure: key order incl. integer-like keys, nesting, empties, duplicates via JSON.parse
        emit({ b: 1, a: [1, {}, []], c: { z: null, y: true, x: false }, '': '', 10: 'ten', 2: 'two' });
        emit(JSON.parse('{"a":1,"b":2,"a":3,"__proto__":{"x":1}}'));
        let deep = []; for (let i = 0; i < 1000; i++) deep = [deep, { d: i }]; emit(deep);
        emit({ msg: 'x'.repeat(100000) + '\u00e9\n' });
        emit([null, true, false, '', [], {}, [[]], [{}], { '': {} }]);
        emit('\u2028\u2029\u007f/\\"\u0000');
        process.stdout.write(out.join('\n') + '\n');
        """#
        let (output, status) = NodeRunner.run(script: script)
        #expect(status == 0)
        let lines = NodeRunner.lines(output)
        #expect(lines.count == 200 + 641 + 1 + 300 + 6)
        var mismatches = 0
        for line in lines {
            let value = try JSONValue(parsing: line)
            let again = value.serialized()
            if again != Array(line) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("mismatch:\n node: \(String(decoding: line.prefix(300), as: UTF8.self))\n ours: \(String(decoding: again.prefix(300), as: UTF8.self))")
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// Our serialized lines (including lone surrogates and tricky numbers) must
    /// be read by Node's JSON.parse and re-stringified to the identical bytes.
    @Test("Node re-stringifies our output to the identical bytes")
    func nodeReadsOurOutput() {
        var values: [JSONValue] = nodeStringifyTable.map(\.0)
        values.append(.string(JSONString(utf16CodeUnits: (0..<0x10000).lazy.map { UInt16($0) }.filter { $0 % 7 == 0 })))
        var x: Double = .leastNonzeroMagnitude * 2024
        var numbers: [JSONValue] = []
        while x < 1e308 {
            numbers.append(.number(x))
            numbers.append(.number(-x * 1.0000001))
            x *= 3.7
        }
        values.append(.array(numbers))
        values.append(try! JSONValue(encoding: ["nested": ["a": [1, 2], "b": [3]]]))
        var input: [UInt8] = []
        for v in values { input += v.serializedLine() }
        let dataPath = NodeRunner.tempFile(input, suffix: ".jsonl")
        defer { unlink(dataPath) }
        let script = #"""
        const fs = require('fs');
        const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n'); lines.pop();
        process.stdout.write(lines.map(l => JSON.stringify(JSON.parse(l))).join('\n') + '\n');
        """#
        let (output, status) = NodeRunner.run(script: script, arguments: [dataPath])
        #expect(status == 0)
        #expect(output == input)
    }

    /// Raw lines with invalid UTF-8 inside strings: Node decodes the stream with
    /// its UTF-8 StringDecoder (as the IPC channel does), then JSON.parse; our
    /// line decoder must yield the same values.
    @Test("invalid UTF-8 is replaced exactly like Node's IPC decoder")
    func invalidUTF8LikeNode() throws {
        let invalid: [[UInt8]] = [
            [0xFF], [0xFE, 0xFF], [0x80], [0xBF, 0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xE0, 0x80, 0x80], [0xE0, 0xA0],
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0x9F], [0xEF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x90, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82, 0x41],
            [0xF0, 0x9F, 0x98, 0xC3, 0xA9], [0x61, 0xE2, 0x82, 0xAC, 0xE2, 0x82],
        ]
        var input: [UInt8] = []
        for bytes in invalid {
            input += [0x22] + bytes + [0x22, 0x0A]                                  // fast path
            input += Array(#"["\t"#.utf8) + bytes + Array(#"x",1]"#.utf8) + [0x0A] // escape path
            input += Array(#"{"\udc00"#.utf8) + bytes + Array(#"":0}"#.utf8) + [0x0A] // lone-surrogate path
        }
        let dataPath = NodeRunner.tempFile(input, suffix: ".bin")
        defer { unlink(dataPath) }
        let script = #"""
        const fs = require('fs'); const { StringDecoder } = require('string_decoder');
        const buf = fs.readFileSync(process.argv[2]); const dec = new StringDecoder('utf8');
        let text = '';
        for (let i = 0; i < buf.length; i += 3) text += dec.write(buf.subarray(i, i + 3)); // odd chunking, like a pipe
        text += dec.end();
        const lines = text.split('\n'); lines.pop();
        process.stdout.write(lines.map(l => JSON.stringify(JSON.parse(l))).join('\n') + '\n');
        """#
        let (output, status) = NodeRunner.run(script: script, arguments: [dataPath])
        #expect(status == 0)
        var decoder = JSONLineDecoder()
        var ours: [UInt8] = []
        for result in decoder.decode(input) { ours += try result.get().serializedLine() }
        #expect(ours == output)
    }
}
