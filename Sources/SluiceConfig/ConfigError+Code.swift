extension ConfigError {
    /// The kind of a ``ConfigError``; compare with the static members. Opaque so that adding a kind
    /// is not a breaking change.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// A value that does not parse as the key's type or fails its validator.
        public static let invalidValue = Code("invalidValue")
        /// A key that no definition or reserved prefix knows.
        public static let unknownKey = Code("unknownKey")
        /// A key defined as required that was not given.
        public static let missingRequired = Code("missingRequired")
        /// A `--config` file that cannot be opened or read, is too large, or is not UTF-8.
        public static let unreadableFile = Code("unreadableFile")
        /// A `.properties` text that cannot be parsed (a malformed `\uXXXX` escape).
        public static let malformedFile = Code("malformedFile")
        /// An `--override` argument without `=` or with an empty key.
        public static let malformedOverride = Code("malformedOverride")

        /// The kind's name, for logs.
        public var description: String { name }
    }
}
