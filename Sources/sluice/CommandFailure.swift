/// A failure whose whole stderr line the command has already composed (e.g. Kafka's
/// `Error producing to T-P: CODE: message`); `CommandRunner` prints it verbatim and exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    let line: String

    init(_ line: String) {
        self.line = line
    }

    var description: String { line }
}
