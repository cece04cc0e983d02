/// The window size of a terminal, in character cells (the kernel's `struct winsize`).
public struct TerminalSize: Sendable, Hashable {
    public var rows: UInt16
    public var columns: UInt16

    public init(rows: UInt16, columns: UInt16) {
        self.rows = rows
        self.columns = columns
    }
}
