import ChildProcess
import Glibc

/// What one `printf` produced.
public struct PrintfResult: Sendable, Equatable {
    /// The bytes written to standard output, losslessly decoded (a `\377` is the scalar for 0xFF).
    public var output: String
    /// dash's messages in order, without its `printf: ` prefix, e.g. `abc: expected numeric value`.
    public var diagnostics: [String]
    /// 0; 1 after an operand that was not (completely) a number or out of range; 2 for a bad
    /// format, a directive C cannot print, or usage (output stops there, what came before is kept).
    public var status: Int32
    /// A `\c` in a `%b` operand ended the output.
    public var stopped: Bool
}

/// dash's printf builtin: the format is walked byte by byte, each conversion is handed to C's
/// printf (as dash does, so flags, widths and floating output are glibc's), and the format is
/// reused while operands remain.
public enum Printf {
    /// The builtin, given the words after `printf`: a leading `--` is dropped, any other leading
    /// word that starts with `-` and is not just `-` is an illegal option (dash reads options
    /// with an empty option list).
    public static func run(_ operands: [String]) -> PrintfResult {
        var operands = operands[...]
        if let first = operands.first?.cStringBytes, first.count > 1, first[0] == UInt8(ascii: "-") {
            guard first == Array("--".utf8) else {
                return failure("Illegal option -\(String(losslessBytes: first[1...1]))")
            }
            operands.removeFirst()
        }
        guard let format = operands.first else { return failure("usage: printf format [arg ...]") }
        return Self.format(format, Array(operands.dropFirst()))
    }

    /// Formats `arguments` by `format`, as `printf FORMAT ARGUMENT...` in dash.
    public static func format(_ format: String, _ arguments: [String]) -> PrintfResult {
        var formatter = Formatter(arguments: arguments.map(\.cStringBytes))
        return withCLocale { formatter.run(format.cStringBytes) }
    }

    private static func failure(_ message: String) -> PrintfResult {
        PrintfResult(output: "", diagnostics: [message], status: 2, stopped: false)
    }
}

/// Why a format stopped before its end.
private enum PrintfHalt: Error {
    /// `\c` in a `%b` operand.
    case stopped
    /// A bad directive: dash's message.
    case failed(String)
}

private struct Formatter {
    private let arguments: [[UInt8]]
    private var next = 0
    private var output: [UInt8] = []
    private var diagnostics: [String] = []
    private var status: Int32 = 0

    init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    mutating func run(_ format: [UInt8]) -> PrintfResult {
        var stopped = false
        do throws(PrintfHalt) {
            // A format that takes no operand is printed once, whatever follows it.
            repeat {
                try formatOnce(format)
            } while next > 0 && next < arguments.count
        } catch {
            switch error {
            case .stopped:
                stopped = true
            case .failed(let message):
                diagnostics.append(message)
                status = 2
            }
        }
        return PrintfResult(
            output: String(losslessBytes: output), diagnostics: diagnostics, status: status, stopped: stopped)
    }

    private mutating func formatOnce(_ format: [UInt8]) throws(PrintfHalt) {
        var index = 0
        func skip(_ set: [UInt8]) {
            while index < format.count, set.contains(format[index]) { index += 1 }
        }
        while index < format.count {
            let byte = format[index]
            index += 1
            if byte == UInt8(ascii: "\\") {
                let escape = PrintfEscapes.decode(format, at: index)
                output.append(escape.byte)
                index += escape.length
                continue
            }
            guard byte == Self.percent else {
                output.append(byte)
                continue
            }
            if index < format.count, format[index] == Self.percent {
                output.append(Self.percent)
                index += 1
                continue
            }
            let start = index - 1
            var starred: [CVarArg] = []
            skip(Self.flags)
            if index < format.count, format[index] == Self.star {
                index += 1
                starred.append(nextStarredNumber())
            } else {
                skip(Self.widthBytes)
            }
            if index < format.count, format[index] == UInt8(ascii: ".") {
                index += 1
                if index < format.count, format[index] == Self.star {
                    index += 1
                    starred.append(nextStarredNumber())
                } else {
                    skip(Self.widthBytes)
                }
            }
            guard index < format.count else { throw .failed("missing format character") }
            try convert(Array(format[start...index]), starred)
            index += 1
        }
    }

    private static let flags = Array("#-+ 0".utf8)
    // As in dash, a `*` after width digits is skipped over (glibc then prints the directive as is).
    private static let widthBytes = Array("*0123456789".utf8)
    private static let percent = UInt8(ascii: "%")
    private static let star = UInt8(ascii: "*")

    /// One directive (`%` to its conversion byte), whose `*` values are in `starred`.
    private mutating func convert(_ directive: [UInt8], _ starred: [CVarArg]) throws(PrintfHalt) {
        let converted: (bytes: [UInt8], stops: Bool)?
        do {
            converted = try conversion(directive, starred)
        } catch {
            // A directive C cannot print (a width or precision over INT_MAX, an output over
            // INT_MAX bytes) ends the format with status 2, as in dash (whose message is
            // "xvsnprintf failed"); here the message names the directive and the reason.
            throw .failed("\(String(losslessBytes: directive)): \(error)")
        }
        guard let converted else { throw .failed("\(String(losslessBytes: directive)): invalid directive") }
        output += converted.bytes
        if converted.stops { throw .stopped }
    }

    /// The output of one directive and whether a `\c` in a `%b` operand ends the output there;
    /// nil for an unknown conversion.
    private mutating func conversion(_ directive: [UInt8], _ starred: [CVarArg]) throws(Errno) -> (bytes: [UInt8], stops: Bool)? {
        switch directive[directive.count - 1] {
        case UInt8(ascii: "b"):
            let (bytes, stops) = PrintfEscapes.expand(nextString())
            return (try Self.padded(bytes, by: directive.dropLast() + [UInt8(ascii: "s")], starred), stops)
        case UInt8(ascii: "c"):
            return (try Self.render(directive, starred + [Int32(nextString().first ?? 0)]), false)
        case UInt8(ascii: "s"):
            let operand = nextString()
            // `%s` alone, the directive most formats have, prints what C would print without
            // asking it: the operand up to its first NUL (unless it is too long for C to print).
            if directive.count == 2, operand.count <= Int(Int32.max) {
                return (operand.firstIndex(of: 0).map { Array(operand[..<$0]) } ?? operand, false)
            }
            let text = operand.map { CChar(bitPattern: $0) } + [0]
            let bytes = try text.withUnsafeBufferPointer { pointer throws(Errno) in
                try Self.render(directive, starred + [pointer.baseAddress!])
            }
            return (bytes, false)
        case UInt8(ascii: "d"), UInt8(ascii: "i"):
            return (try Self.render(Self.intmaxDirective(directive), starred + [nextInteger(signed: true)]), false)
        case UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "X"):
            return (try Self.render(Self.intmaxDirective(directive), starred + [nextInteger(signed: false)]), false)
        case UInt8(ascii: "a"), UInt8(ascii: "A"), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "f"),
            UInt8(ascii: "F"), UInt8(ascii: "g"), UInt8(ascii: "G"):
            return (try Self.render(directive, starred + [nextDouble()]), false)
        default:
            return nil
        }
    }

    /// `%…d` as `%…ld`: dash passes every integer as intmax_t (PRIdMAX is "ld" here).
    private static func intmaxDirective(_ directive: [UInt8]) -> [UInt8] {
        directive.dropLast() + [UInt8(ascii: "l"), directive[directive.count - 1]]
    }

    /// `bytes` (which may hold NULs) laid out by a `%…s` directive: dash formats a run of `X`s of
    /// the same length and puts the bytes where the `X`s landed.
    private static func padded(_ bytes: [UInt8], by directive: [UInt8], _ starred: [CVarArg]) throws(Errno) -> [UInt8] {
        let placeholder = [CChar](repeating: CChar(UInt8(ascii: "X")), count: bytes.count) + [0]
        var laidOut = try placeholder.withUnsafeBufferPointer { pointer throws(Errno) in
            try render(directive, starred + [pointer.baseAddress!])
        }
        let start = laidOut.firstIndex(of: UInt8(ascii: "X")) ?? laidOut.endIndex
        let end = laidOut[start...].firstIndex { $0 != UInt8(ascii: "X") } ?? laidOut.endIndex
        laidOut.replaceSubrange(start..<end, with: bytes[..<(end - start)])
        return laidOut
    }

    /// C's snprintf of one directive, or why C cannot print it.
    private static func render(_ directive: [UInt8], _ values: [CVarArg]) throws(Errno) -> [UInt8] {
        // glibc makes a negative `*` width a left-justified one by negating it; INT_MIN has no
        // negation, and glibc takes tens of seconds to find that out.
        if hasStarredWidth(directive), let width = values.first as? Int32, width == .min {
            throw Errno(rawValue: EOVERFLOW)
        }
        let format = directive.map { CChar(bitPattern: $0) } + [0]
        return try format.withUnsafeBufferPointer { format throws(Errno) in
            let length = Int(withVaList(values) { vsnprintf(nil, 0, format.baseAddress, $0) })
            guard length >= 0 else { throw Errno(rawValue: errno) }
            guard length > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: length + 1) { buffer, count in
                buffer.withMemoryRebound(to: CChar.self) { buffer in
                    _ = withVaList(values) { vsnprintf(buffer.baseAddress, length + 1, format.baseAddress, $0) }
                }
                count = length
            }
        }
    }

    /// Whether the width of a directive is `*` (its value is then the first of the directive's).
    private static func hasStarredWidth(_ directive: [UInt8]) -> Bool {
        directive.dropFirst().first { !flags.contains($0) } == star
    }

    // MARK: Operands

    /// The next operand, or an empty one when none is left.
    private mutating func nextString() -> [UInt8] {
        guard next < arguments.count else { return [] }
        next += 1
        return arguments[next - 1]
    }

    /// A `*` width or precision: an intmax_t operand cut to C's int, as dash does.
    private mutating func nextStarredNumber() -> Int32 {
        Int32(truncatingIfNeeded: nextInteger(signed: true))
    }

    /// The next operand as an integer's bits (strtoimax or strtoumax, any base C accepts); a
    /// missing operand is 0, and `'c` or `"c` is the code of the byte after the quote.
    private mutating func nextInteger(signed: Bool) -> UInt64 {
        guard next < arguments.count else { return 0 }
        let operand = nextString()
        if let code = Self.quotedCode(operand) { return UInt64(code) }
        let number =
            signed
            ? CNumber(operand) { UInt64(bitPattern: Int64(strtoimax($0, $1, 0))) }
            : CNumber(operand) { UInt64(strtoumax($0, $1, 0)) }
        check(number, operand)
        return number.value
    }

    private mutating func nextDouble() -> Double {
        guard next < arguments.count else { return 0 }
        let operand = nextString()
        if let code = Self.quotedCode(operand) { return Double(code) }
        let number = CNumber(operand) { strtod($0, $1) }
        check(number, operand)
        return number.value
    }

    private static func quotedCode(_ operand: [UInt8]) -> UInt8? {
        guard let first = operand.first, first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") else { return nil }
        return operand.count > 1 ? operand[1] : 0
    }

    /// dash's check_conversion: a warning and status 1, the number still printed.
    private mutating func check<Value>(_ number: CNumber<Value>, _ operand: [UInt8]) {
        let problem: String
        if number.length < operand.count {
            problem = number.length == 0 ? "expected numeric value" : "not completely converted"
        } else if number.isOutOfRange {
            problem = "Numerical result out of range"
        } else {
            return
        }
        diagnostics.append("\(String(losslessBytes: operand)): \(problem)")
        status = 1
    }
}
