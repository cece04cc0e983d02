/// JavaScript `Number::toString` (ECMAScript 2024 §6.1.6.1.20) without Foundation.
///
/// The shortest round-trip digits come from Swift's `Double.description`
/// (shortest, closest — the same digits V8 picks); this file only re-lays them out:
/// with `k` digits and decimal exponent `n` (value = 0.d₁…d_k × 10ⁿ):
///
/// - `k ≤ n ≤ 21`: digits then `n−k` zeros (`100`, `123456789012345680000`);
/// - `0 < n ≤ 21`: point after `n` digits (`123.456`);
/// - `−6 < n ≤ 0`: `0.` then `−n` zeros then digits (`0.000001`);
/// - otherwise exponent form `d[.ddd]e±(n−1)` (`1e+21`, `1.5e-7`).
public enum JSNumberFormatting {
    /// `String(x)` in JS: `"NaN"`, `"Infinity"`, `"-Infinity"`, `"0"` for ±0, …
    public static func string(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
        var out: [UInt8] = []
        appendFinite(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `JSON.stringify(x)`: like `string(_:)` but `null` for NaN and ±Infinity.
    public static func jsonString(_ x: Double) -> String {
        var out: [UInt8] = []
        appendJSON(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendJSON(_ x: Double, to out: inout [UInt8]) {
        if x.isFinite {
            appendFinite(x, to: &out)
        } else {
            out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) // null
        }
    }

    static func appendFinite(_ x: Double, to out: inout [UInt8]) {
        if x == 0 {
            out.append(0x30) // both +0 and -0
            return
        }
        // Integers below 2^53 print as themselves (their shortest digits are exact).
        // (Checked via Int64 conversion: `rounded()` would need libm's `trunc`.)
        if x.magnitude < 9_007_199_254_740_992 {
            let i = Int64(x)
            if Double(i) == x {
                appendInteger(i, to: &out)
                return
            }
        }
        // Swift's shortest digits, e.g. "-1.5e-07", "123.456", "1e+21", "0.0001".
        var description = x.description
        description.withUTF8 { text in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
                layOut(text, digits, &out)
            }
        }
    }

    private static func layOut(_ text: UnsafeBufferPointer<UInt8>, _ digits: UnsafeMutableBufferPointer<UInt8>, _ out: inout [UInt8]) {
        var k = 0                  // digits collected
        var integerDigits = -1     // digits before '.', -1 while no '.' seen
        var exponent = 0
        var negative = false
        var p = 0
        if text[p] == 0x2D { negative = true; p += 1 }
        while p < text.count {
            let c = text[p]
            if c == 0x2E {
                integerDigits = k
            } else if c == 0x65 || c == 0x45 {
                p += 1
                var expNegative = false
                if text[p] == 0x2D { expNegative = true; p += 1 } else if text[p] == 0x2B { p += 1 }
                while p < text.count {
                    exponent = exponent * 10 + Int(text[p] &- 0x30)
                    p += 1
                }
                if expNegative { exponent = -exponent }
                break
            } else {
                digits[k] = c
                k += 1
            }
            p += 1
        }
        if integerDigits < 0 { integerDigits = k }
        // value = 0.d1…dk × 10^n
        var n = integerDigits + exponent
        var first = 0
        while first < k - 1 && digits[first] == 0x30 { first += 1; n -= 1 }
        while k - 1 > first && digits[k - 1] == 0x30 { k -= 1 }
        let d = UnsafeBufferPointer(rebasing: digits[first..<k])
        k = d.count

        if negative { out.append(0x2D) }
        if k <= n && n <= 21 {
            out.append(contentsOf: d)
            for _ in 0..<(n - k) { out.append(0x30) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[0..<n]))
            out.append(0x2E)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[n..<k]))
        } else if -6 < n && n <= 0 {
            out.append(0x30)
            out.append(0x2E)
            for _ in 0..<(-n) { out.append(0x30) }
            out.append(contentsOf: d)
        } else {
            let e = n - 1
            out.append(d[0])
            if k > 1 {
                out.append(0x2E)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: d[1..<k]))
            }
            out.append(0x65) // e
            out.append(e < 0 ? 0x2D : 0x2B)
            appendInteger(Int64(e.magnitude), to: &out)
        }
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        var v = value.magnitude
        if value < 0 { out.append(0x2D) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var p = 20
            repeat {
                p -= 1
                buf[p] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                v /= 10
            } while v != 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[p..<20]))
        }
    }
}
