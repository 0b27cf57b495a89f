/// A validating JSON reader (RFC 8259) over a request body's UTF-8 bytes that hands out the byte ranges of
/// values instead of building a tree, so a key or value can be stored as exactly the JSON text the client sent.
///
/// The caller walks the document (``readObject(_:)``, ``readArray(_:)``, ``skipValue()``); every malformed
/// input throws a 422 `GatewayError` naming the byte offset. Bounds: the body is at most
/// `gateway.max.request.bytes`, and nesting deeper than ``nestingDepthMax`` is refused rather than recursed.
/// UTF-8 validity is checked once by the caller (`GatewayRequestParser`), not here.
struct GatewayJSONScanner {
    /// Arrays and objects nested deeper than this inside one key or value are refused (bounds recursion).
    static let nestingDepthMax = 128

    /// The whole document.
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var position: Int = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The first byte of the next value (after white space), without consuming it; nil at the end.
    mutating func peekValueStart() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    /// Requires that only white space is left.
    mutating func expectEnd() throws(GatewayError) {
        skipWhitespace()
        guard position == bytes.count else { throw malformed("unexpected data after the JSON document") }
    }

    /// Reads an object, calling `member` with each member's name; `member` must consume the member's value.
    mutating func readObject(
        _ member: (inout GatewayJSONScanner, String) throws(GatewayError) -> Void
    ) throws(GatewayError) {
        try expect(UInt8(ascii: "{"), "'{'")
        skipWhitespace()
        if consumeIf(UInt8(ascii: "}")) { return }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw malformed("expected a member name in double quotes")
            }
            let name = try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            let before = position
            try member(&self, name)
            assert(position > before, "member '\(name)' did not consume its value")
            skipWhitespace()
            if consumeIf(UInt8(ascii: "}")) { return }
            try expect(UInt8(ascii: ","), "',' or '}'")
        }
    }

    /// Reads an array, calling `element` with each element's index; `element` must consume the element.
    mutating func readArray(
        _ element: (inout GatewayJSONScanner, Int) throws(GatewayError) -> Void
    ) throws(GatewayError) {
        try expect(UInt8(ascii: "["), "'['")
        skipWhitespace()
        if consumeIf(UInt8(ascii: "]")) { return }
        var index = 0
        while true {
            let before = position
            try element(&self, index)
            assert(position > before, "array element \(index) was not consumed")
            index += 1
            skipWhitespace()
            if consumeIf(UInt8(ascii: "]")) { return }
            try expect(UInt8(ascii: ","), "',' or ']'")
        }
    }

    /// Validates and skips one value of any type; returns its byte range (no surrounding white space).
    mutating func skipValue() throws(GatewayError) -> Range<Int> {
        try skipValue(depth: 0)
    }

    /// Reads a string value and returns it decoded (escapes resolved).
    mutating func readString() throws(GatewayError) -> String {
        var decoded: [UInt8]? = []
        try scanString(into: &decoded)
        return String(decoding: decoded ?? [], as: UTF8.self)
    }

    /// Reads `null`.
    mutating func readNull() throws(GatewayError) {
        skipWhitespace()
        try expectLiteral("null")
    }

    /// Reads a number and returns its text (grammar-checked, not converted).
    mutating func readNumberText() throws(GatewayError) -> Substring {
        skipWhitespace()
        let start = position
        try skipNumber()
        return Substring(decoding: bytes[start..<position], as: UTF8.self)
    }

    // MARK: Scanning

    private mutating func skipValue(depth: Int) throws(GatewayError) -> Range<Int> {
        skipWhitespace()
        let start = position
        guard position < bytes.count else { throw malformed("expected a value, found the end of the body") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            guard depth < Self.nestingDepthMax else { throw malformed("nesting deeper than \(Self.nestingDepthMax)") }
            try readObject { scanner, _ throws(GatewayError) in _ = try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            guard depth < Self.nestingDepthMax else { throw malformed("nesting deeper than \(Self.nestingDepthMax)") }
            try readArray { scanner, _ throws(GatewayError) in _ = try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            var discarded: [UInt8]? = nil
            try scanString(into: &discarded)
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw malformed("expected a value")
        }
        assert(position > start, "a value is at least one byte")
        return start..<position
    }

    /// Scans a string starting at its opening quote, validating escapes and refusing raw control characters;
    /// appends the decoded bytes to `decoded` when it is not nil.
    private mutating func scanString(into decoded: inout [UInt8]?) throws(GatewayError) {
        try expect(UInt8(ascii: "\""), "'\"'")
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                try scanEscape(into: &decoded)
            case 0x00..<0x20:
                position -= 1
                throw malformed("control character in a string (escape it)")
            default:
                decoded?.append(byte)
            }
        }
        throw malformed("unterminated string")
    }

    /// One escape after its backslash: `\" \\ \/ \b \f \n \r \t \uXXXX` (a surrogate pair for characters
    /// beyond the BMP; a lone surrogate is refused because it has no UTF-8 encoding).
    private mutating func scanEscape(into decoded: inout [UInt8]?) throws(GatewayError) {
        guard position < bytes.count else { throw malformed("unterminated escape") }
        let letter = bytes[position]
        position += 1
        let simple: UInt8? =
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): letter
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "r"): 0x0D
            case UInt8(ascii: "t"): 0x09
            default: nil
            }
        if let simple {
            decoded?.append(simple)
            return
        }
        guard letter == UInt8(ascii: "u") else {
            position -= 1
            throw malformed("invalid escape '\\\(Unicode.Scalar(letter))'")
        }
        let scalar = try scanUnicodeEscape()
        UTF8.encode(scalar) { decoded?.append($0) }
    }

    /// The scalar of `\uXXXX` (position after the `u`), joining a high surrogate with the `\uXXXX` after it.
    private mutating func scanUnicodeEscape() throws(GatewayError) -> Unicode.Scalar {
        let first = try scanHex4()
        if let scalar = Unicode.Scalar(first) { return scalar }
        guard (0xD800..<0xDC00).contains(first), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
            bytes[position + 1] == UInt8(ascii: "u")
        else { throw malformed("lone surrogate in a \\u escape") }
        position += 2
        let second = try scanHex4()
        guard (0xDC00..<0xE000).contains(second) else { throw malformed("lone surrogate in a \\u escape") }
        let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        guard let scalar = Unicode.Scalar(combined) else { throw malformed("invalid \\u escape") }
        return scalar
    }

    private mutating func scanHex4() throws(GatewayError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw malformed("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func skipNumber() throws(GatewayError) {
        _ = consumeIf(UInt8(ascii: "-"))
        try expectDigit("expected a digit")
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            skipDigits()
        }
        if consumeIf(UInt8(ascii: ".")) {
            try expectDigit("expected a digit after '.'")
            skipDigits()
        }
        if consumeIf(UInt8(ascii: "e")) || consumeIf(UInt8(ascii: "E")) {
            _ = consumeIf(UInt8(ascii: "+")) || consumeIf(UInt8(ascii: "-"))
            try expectDigit("expected an exponent digit")
            skipDigits()
        }
    }

    private func expectDigit(_ problem: String) throws(GatewayError) {
        guard position < bytes.count, isDigit(bytes[position]) else { throw malformed(problem) }
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(GatewayError) {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            position + count <= bytes.count && bytes[position..<position + count].elementsEqual(expected)
        }
        guard matches else { throw malformed("expected '\(literal)'") }
        position += count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
    }

    /// JSON's insignificant white space: space, tab, line feed, carriage return.
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private mutating func consumeIf(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ byte: UInt8, _ description: String) throws(GatewayError) {
        guard consumeIf(byte) else {
            let found = position < bytes.count ? "found \(Self.describe(bytes[position]))" : "found the end of the body"
            throw malformed("expected \(description), \(found)")
        }
    }

    /// A byte for an error message: printable ASCII quoted, anything else in hex.
    private static func describe(_ byte: UInt8) -> String {
        guard (0x21..<0x7F).contains(byte) else { return "byte 0x\(String(byte, radix: 16, uppercase: true))" }
        return "'\(Unicode.Scalar(byte))'"
    }

    /// A 422 naming the byte offset of the problem.
    func malformed(_ problem: String) -> GatewayError {
        .unprocessable("Malformed JSON at byte \(position): \(problem)")
    }
}
