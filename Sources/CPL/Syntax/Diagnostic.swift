// Rendering of parse errors in the style of rustc / Oils:
//
//     cpl: script.cpl:3:10: syntax error: unexpected `)`
//       |
//     3 | echo a | ) b
//       |          ^
//
// The quoted line is made safe and short for a terminal: tabs are expanded to `tabWidth` spaces,
// control characters and raw bytes that are not UTF-8 are shown as escapes (`\x1b`, `\xff`) so
// they cannot drive the terminal, and a line wider than `windowWidth` is cut to a window around
// the caret with `…` where text was left out. The caret is indented by the width of what is shown
// before it, so it lines up in any terminal.

import ChildProcess

extension ParseError {
    static let tabWidth = 4
    /// The widest quoted line, in terminal columns (without the ellipses).
    static let windowWidth = 120

    /// The multi-line diagnostic, ending with a newline.
    public var rendered: String { render(program: "cpl") }

    /// The diagnostic with another program name in front (`cpl` by default).
    public func render(program: String) -> String {
        let lineNumber = String(line)
        let gutter = String(repeating: " ", count: lineNumber.count)
        let (shownLine, caretIndent) = ParseError.window(of: sourceLine, caretColumn: column)
        var text = "\(program): \(ParseError.displayable(summary))\n"
        text += "\(gutter) |\n"
        text += "\(lineNumber) | \(shownLine)\n"
        text += "\(gutter) | \(String(repeating: " ", count: caretIndent))^"
        if let label { text += " \(ParseError.displayable(label))" }
        text += "\n"
        if let note { text += "\(gutter) = note: \(ParseError.displayable(note))\n" }
        return text
    }

    /// The part of `line` to show, and the caret's indentation under it, for a caret at the
    /// 1-based scalar column `caretColumn` (past the end of the line: one column per scalar
    /// missing, as for the end of the input).
    static func window(of line: String, caretColumn: Int) -> (text: String, caretIndent: Int) {
        // Terminal column of the caret and total width: one pass that builds nothing.
        var width = 0
        var caretCell: Int?
        var column = 1
        for scalar in line.unicodeScalars {
            if column == caretColumn { caretCell = width }
            width += shownWidth(scalar)
            column += 1
        }
        let caret = caretCell ?? width + max(0, caretColumn - column)
        var low = 0
        var high = max(width, caret + 1)
        if high > windowWidth {
            low = max(0, caret - windowWidth / 2)
            high = low + windowWidth
            if high > max(width, caret + 1) {
                high = max(width, caret + 1)
                low = max(0, high - windowWidth)
            }
        }
        var text = ""
        var firstShown: Int?
        var cell = 0
        for scalar in line.unicodeScalars {
            let next = cell + shownWidth(scalar)
            if cell >= low && next <= high {
                if firstShown == nil { firstShown = cell }
                appendShown(scalar, to: &text)
            }
            cell = next
            if cell >= high { break }
        }
        let cutBefore = low > 0
        if cell < width { text += "…" }
        let start = firstShown ?? min(cell, low)
        return ((cutBefore ? "…" : "") + text, (cutBefore ? 1 : 0) + caret - start)
    }

    /// `text` with the characters that `window` escapes escaped (for messages, labels and notes,
    /// which quote words of the source).
    static func displayable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars { appendShown(scalar, to: &shown) }
        return shown
    }

    /// Control characters (C0, DEL, C1), the bidirectional overrides and isolates that reorder
    /// what a terminal shows, and the scalars that stand for raw bytes.
    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: scalar.losslessByte != nil
        }
    }

    private static func shownWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar == "\t" { return tabWidth }
        guard needsEscape(scalar) else { return 1 }
        return escape(scalar).utf8.count
    }

    private static func appendShown(_ scalar: Unicode.Scalar, to text: inout String) {
        if scalar == "\t" {
            text += String(repeating: " ", count: tabWidth)
        } else if needsEscape(scalar) {
            text += escape(scalar)
        } else {
            text.unicodeScalars.append(scalar)
        }
    }

    /// `\x1b` for a control character below U+0080 or a raw byte, `\u{85}` for any other.
    private static func escape(_ scalar: Unicode.Scalar) -> String {
        if let byte = scalar.losslessByte { return "\\x" + hex(UInt32(byte), digits: 2) }
        if scalar.value < 0x80 { return "\\x" + hex(scalar.value, digits: 2) }
        return "\\u{" + hex(scalar.value, digits: 1) + "}"
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
