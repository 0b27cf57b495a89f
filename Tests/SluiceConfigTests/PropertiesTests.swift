import SluiceConfig
import Testing

@Suite struct PropertiesTests {
    @Test func equalsColonAndWhitespaceAllSeparateKeyFromValue() throws {
        #expect(
            try pairs("a=1\nb: 2\nc 3\nd\t4\ne = 5\nf :6\n") == [
                ["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"], ["e", "5"], ["f", "6"],
            ])
    }

    @Test func onlyTheFirstSeparatorSplitsAndLaterOnesBelongToTheValue() throws {
        #expect(
            try pairs("url=etcd://h:1=2\nk = = v\nx : : y\n") == [
                ["url", "etcd://h:1=2"], ["k", "= v"], ["x", ": y"],
            ])
    }

    @Test func hashAndBangLinesAreCommentsEvenWhenIndented() throws {
        #expect(
            try pairs("# comment\n! also\n   # indented\n\t! tab\nk=v # not a comment\n") == [
                ["k", "v # not a comment"]
            ])
    }

    @Test func blankLinesAndLeadingWhitespaceAreIgnored() throws {
        #expect(try pairs("\n   \n\t\n    key=value\n\n") == [["key", "value"]])
    }

    @Test func trailingWhitespaceOfValuesIsTrimmedButEscapedSpaceStays() throws {
        #expect(try pairs("a=1   \t\nb=two\\ \nc=\\  x  \n") == [["a", "1"], ["b", "two "], ["c", "  x"]])
    }

    @Test func keyWithoutValueHasEmptyValue() throws {
        #expect(try pairs("lonely\nempty=\nspaced =   \n") == [["lonely", ""], ["empty", ""], ["spaced", ""]])
    }

    @Test func trailingBackslashContinuesTheLineAndDropsTheNextLinesIndent() throws {
        let text = "listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT://b:2\nnext=x\n"
        #expect(try pairs(text) == [["listeners", "PLAINTEXT://a:1,PLAINTEXT://b:2"], ["next", "x"]])
    }

    @Test func continuationLineStartingWithHashIsNotAComment() throws {
        #expect(try pairs("k=a\\\n  #b\n") == [["k", "a#b"]])
    }

    @Test func evenTrailingBackslashesAreAnEscapedBackslashNotAContinuation() throws {
        #expect(try pairs("path=C:\\\\\nnext=1\n") == [["path", "C:\\"], ["next", "1"]])
    }

    @Test func blankContinuationLineEndsTheLogicalLine() throws {
        #expect(try pairs("k=a\\\n   \nnext=1\n") == [["k", "a"], ["next", "1"]])
    }

    @Test func backslashAtEndOfTextIsDropped() throws {
        #expect(try pairs("k=v\\") == [["k", "v"]])
    }

    @Test func commentLineEndingInBackslashDoesNotSwallowTheNextLine() throws {
        #expect(try pairs("# comment \\\nk=v\n") == [["k", "v"]])
    }

    @Test func escapesAreResolvedInKeysAndValues() throws {
        #expect(
            try pairs("tab=a\\tb\nnl=a\\nb\nbs=a\\\\b\nother=\\q\\=\\:\n") == [
                ["tab", "a\tb"], ["nl", "a\nb"], ["bs", "a\\b"], ["other", "q=:"],
            ])
        #expect(try pairs("my\\ key\\=x=v\n") == [["my key=x", "v"]])
    }

    @Test func unicodeEscapesDecodeIncludingSurrogatePairs() throws {
        #expect(try pairs("k=caf\\u00e9 \\u00E9\nemoji=\\uD83D\\uDE00\n") == [["k", "café é"], ["emoji", "😀"]])
    }

    @Test func malformedUnicodeEscapeIsAnErrorNamingTheLine() {
        for text in ["a=1\nk=\\u12G4\n", "k=\\u12", "k=\\uD83D alone"] {
            #expect(throws: ConfigError.self) { try Properties(parsing: text) }
        }
        let error = #expect(throws: ConfigError.self) { try Properties(parsing: "a=1\n\nk=\\u12G4\n") }
        #expect(error?.code == .malformedFile)
        #expect(error?.key == "--config")
        #expect(error?.problem.contains("line 3") == true)
    }

    @Test func duplicateKeyKeepsTheLastValueAtTheFirstPosition() throws {
        let properties = try Properties(parsing: "a=1\nb=2\na=3\n")
        #expect(properties.entries.map(\.key) == ["a", "b"])
        #expect(properties["a"] == "3")
        #expect(properties.entries[0].line == 3)
    }

    @Test func entriesRecordTheLineTheyStartOn() throws {
        let properties = try Properties(parsing: "# c\n\na=1\nb=x\\\n y\nc=2\n")
        #expect(properties.entries.map(\.line) == [3, 4, 6])
    }

    @Test func crAndCrlfLineEndingsAreLineBreaks() throws {
        #expect(try pairs("a=1\r\nb=2\rc=3\r\n") == [["a", "1"], ["b", "2"], ["c", "3"]])
        #expect(try Properties(parsing: "a=1\r\nb=2\rc=3").entries.map(\.line) == [1, 2, 3])
    }

    @Test func leadingByteOrderMarkIsIgnored() throws {
        #expect(try pairs("\u{FEFF}node.id=2\n") == [["node.id", "2"]])
    }

    @Test func emptyTextHasNoEntries() throws {
        #expect(try pairs("").isEmpty)
        #expect(try pairs("# only comments\n\n").isEmpty)
    }
}
