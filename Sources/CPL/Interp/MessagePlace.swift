/// Run-time messages name the place as parse errors do (`file:line:column: `), so that an
/// editor or a terminal can jump to the command that failed.
enum MessagePlace {
    /// `file:line:column: `, or `file: ` when the place is not known.
    static func prefix(fileName: String, _ location: SourceLocation?) -> String {
        guard let location else { return "\(fileName): " }
        return "\(fileName):\(location.line):\(location.column): "
    }
}
