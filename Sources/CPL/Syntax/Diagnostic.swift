// Rendering of parse errors in the style of rustc / Oils:
//
//     cpl: script.cpl:3:10: syntax error: unexpected `)`
//       |
//     3 | echo a | ) b
//       |          ^
//
// Tabs in the quoted line are expanded to `tabWidth` spaces (and the caret
// is indented by the same amount) so the caret lines up in any terminal.

extension ParseError {
    static let tabWidth = 4

    /// The multi-line diagnostic, ending with a newline.
    public var rendered: String { render(program: "cpl") }

    /// The diagnostic with another program name in front (`cpl` by default).
    public func render(program: String) -> String {
        let lineNumber = String(line)
        let gutter = String(repeating: " ", count: lineNumber.count)
        var caretIndent = 0
        var shownLine = ""
        var column = 1
        for scalar in sourceLine.unicodeScalars {
            let isTab = scalar == "\t"
            if column < self.column { caretIndent += isTab ? ParseError.tabWidth : 1 }
            if isTab {
                shownLine += String(repeating: " ", count: ParseError.tabWidth)
            } else {
                shownLine.unicodeScalars.append(scalar)
            }
            column += 1
        }
        if self.column > column {
            // Past the end of the line (the end of the input): one space each.
            caretIndent += self.column - column
        }
        var text = "\(program): \(summary)\n"
        text += "\(gutter) |\n"
        text += "\(lineNumber) | \(shownLine)\n"
        text += "\(gutter) | \(String(repeating: " ", count: caretIndent))^"
        if let label { text += " \(label)" }
        text += "\n"
        if let note { text += "\(gutter) = note: \(note)\n" }
        return text
    }
}
