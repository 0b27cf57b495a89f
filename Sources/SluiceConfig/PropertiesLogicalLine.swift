/// A logical line of a `.properties` text: its natural lines joined across trailing-backslash
/// continuations, as Java's `Properties.LineReader` produces them. Comments and blank lines are
/// already gone; escapes are not yet resolved.
struct PropertiesLogicalLine: Equatable {
    /// The raw characters: leading whitespace dropped, each continuation's backslash removed and the
    /// next natural line's leading whitespace dropped.
    var scalars: [Unicode.Scalar]
    /// The 1-based number of the natural line it starts on.
    let line: Int

    /// Splits `text` the way `java.util.Properties.load` does: natural lines end at `\n`, `\r` or
    /// `\r\n`; a line whose first non-whitespace character is `#` or `!` is a comment; an odd run of
    /// trailing backslashes continues the line; a blank continuation line ends it. A comment line
    /// never continues.
    static func split(_ text: String) -> [PropertiesLogicalLine] {
        let natural = naturalLines(Array(text.unicodeScalars))
        var logical: [PropertiesLogicalLine] = []
        var index = 0
        while index < natural.count {
            let start = index
            var scalars = droppingLeadingWhitespace(natural[index])
            index += 1
            guard let first = scalars.first, first != "#", first != "!" else { continue }
            while endsInContinuation(scalars) {
                scalars.removeLast()
                guard index < natural.count else { break }
                let next = droppingLeadingWhitespace(natural[index])
                index += 1
                guard !next.isEmpty else { break }
                scalars += next
            }
            logical.append(PropertiesLogicalLine(scalars: scalars, line: start + 1))
        }
        assert(index == natural.count, "every natural line is consumed once")
        return logical
    }

    /// Properties whitespace: space, tab and form feed.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0C}"
    }

    private static func naturalLines(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var lines: [ArraySlice<Unicode.Scalar>] = []
        var lineStart = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                lines.append(scalars[lineStart..<index])
                let isCRLF = scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n"
                index += isCRLF ? 2 : 1
                lineStart = index
            } else {
                index += 1
            }
        }
        if lineStart < scalars.count {
            lines.append(scalars[lineStart...])
        }
        return lines
    }

    private static func droppingLeadingWhitespace(_ line: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        Array(line.drop(while: isWhitespace))
    }

    /// An odd number of trailing backslashes: the last one escapes the line break.
    private static func endsInContinuation(_ scalars: [Unicode.Scalar]) -> Bool {
        var count = 0
        for scalar in scalars.reversed() {
            guard scalar == "\\" else { break }
            count += 1
        }
        return count % 2 == 1
    }
}
