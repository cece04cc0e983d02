import Glibc

/// The terminal a job-control shell shares with its foreground jobs: each job
/// gets it while it runs; the shell takes it back, with its own modes, after.
struct JobTerminal: Sendable {
    let descriptor: Int32
    /// The shell's own process group.
    let shellGroup: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
        shellGroup = getpgrp()
    }

    func give(to group: Int32) { tcsetpgrp(descriptor, group) }

    func takeBack() { tcsetpgrp(descriptor, shellGroup) }

    var modes: termios? {
        var modes = termios()
        return tcgetattr(descriptor, &modes) == 0 ? modes : nil
    }

    func restore(_ modes: termios?) {
        guard var modes else { return }
        tcsetattr(descriptor, TCSADRAIN, &modes)
    }
}
