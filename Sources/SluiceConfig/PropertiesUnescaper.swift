/// Resolves `.properties` escapes, as Java's `Properties.loadConvert` does.
enum PropertiesUnescaper {
    /// Resolves `\t` `\n` `\r` `\f` `\uXXXX` and `\x` → `x`, and drops trailing whitespace that was
    /// not escaped (an escaped trailing space, `\ `, stays).
    /// - Throws: ``ConfigError/Code/malformedFile`` for `\u` not followed by four hex digits, or a
    ///   UTF-16 surrogate that does not form a pair.
    static func unescape(_ raw: ArraySlice<Unicode.Scalar>, line: Int) throws(ConfigError) -> String {
        var output = String.UnicodeScalarView()
        var significantCount = 0
        var index = raw.startIndex
        while index < raw.endIndex {
            let scalar = raw[index]
            index += 1
            guard scalar == "\\" else {
                output.append(scalar)
                if !PropertiesLogicalLine.isWhitespace(scalar) { significantCount = output.count }
                continue
            }
            // A lone backslash at the end only happens when the text ended in a continuation.
            guard index < raw.endIndex else { break }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case "t": output.append("\t")
            case "n": output.append("\n")
            case "r": output.append("\r")
            case "f": output.append("\u{0C}")
            case "u": output.append(try unicodeEscape(raw, at: &index, line: line))
            default: output.append(escaped)
            }
            significantCount = output.count
        }
        assert(significantCount <= output.count, "trim keeps a prefix")
        return String(String.UnicodeScalarView(output.prefix(significantCount)))
    }

    /// Reads the four hex digits after `\u` (at `index`), combining a high surrogate with a following
    /// `\uDCxx` low surrogate, as Java's UTF-16 `char`s would.
    private static func unicodeEscape(
        _ raw: ArraySlice<Unicode.Scalar>, at index: inout Int, line: Int
    ) throws(ConfigError) -> Unicode.Scalar {
        let first = try hexUnit(raw, at: &index, line: line)
        if let scalar = Unicode.Scalar(UInt32(first)) {
            return scalar
        }
        let isHighSurrogate = (0xD800...0xDBFF).contains(first)
        let hasLowEscape = index + 1 < raw.endIndex && raw[index] == "\\" && raw[index + 1] == "u"
        guard isHighSurrogate, hasLowEscape else { throw malformed(line) }
        index += 2
        let second = try hexUnit(raw, at: &index, line: line)
        guard (0xDC00...0xDFFF).contains(second) else { throw malformed(line) }
        let combined = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        guard let scalar = Unicode.Scalar(combined) else { throw malformed(line) }
        return scalar
    }

    private static func hexUnit(
        _ raw: ArraySlice<Unicode.Scalar>, at index: inout Int, line: Int
    ) throws(ConfigError) -> UInt16 {
        guard raw.endIndex - index >= 4 else { throw malformed(line) }
        var unit: UInt16 = 0
        for scalar in raw[index..<(index + 4)] {
            guard scalar.isASCII, let digit = UInt16(String(scalar), radix: 16) else { throw malformed(line) }
            unit = unit << 4 | digit
        }
        index += 4
        return unit
    }

    private static func malformed(_ line: Int) -> ConfigError {
        ConfigError(
            code: .malformedFile, key: "--config", value: nil, problem: "malformed \\uXXXX escape on line \(line)")
    }
}
