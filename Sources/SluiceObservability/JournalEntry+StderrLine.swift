extension JournalEntry {
    /// The stderr fallback line, without the trailing newline:
    /// `<ISO 8601 UTC time> <identifier> <level> KEY=value … MESSAGE="…"`.
    ///
    /// Pure: the caller reads the clock. Values holding spaces, quotes, `=`, backslashes or control
    /// characters are quoted and escaped, so one entry is always exactly one line.
    func stderrLine(identifier: String, timestamp: String) -> String {
        var line = ""
        line.reserveCapacity(64 + message.utf8.count + fields.count * 24)
        line += timestamp
        line += " "
        line += identifier
        line += " "
        line += priority.keyword
        for field in fields {
            line += " "
            line += field.name
            line += "="
            line += Self.quotedIfNeeded(field.value)
        }
        line += " MESSAGE="
        line += Self.quotedIfNeeded(message)
        assert(!line.utf8.contains(UInt8(ascii: "\n")), "a stderr entry must stay on one line")
        return line
    }

    /// `value` unchanged when it is a plain token, else in double quotes with `\`, `"` and control
    /// characters escaped (`\n`, `\t`, `\r`, `\xHH`). An empty value becomes `""`.
    static func quotedIfNeeded(_ value: String) -> String {
        guard value.utf8.isEmpty || value.utf8.contains(where: needsQuoting) else {
            return value
        }
        var quoted = "\""
        quoted.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    quoted += "\\x" + hexByte(UInt8(scalar.value))
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        quoted += "\""
        return quoted
    }

    private static func needsQuoting(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "="): return true
        default: return byte < 0x20 || byte == 0x7f
        }
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
    }
}
