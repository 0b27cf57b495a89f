/// Parsers for the `/proc` files behind the standard `process_*` metrics. Pure: they take the text.
enum ProcessStatistics {
    /// CPU times and start time from `/proc/<pid>/stat`, in clock ticks (`sysconf(_SC_CLK_TCK)`).
    struct Stat: Equatable {
        /// Field 14: user-mode CPU time.
        var userTicks: UInt64
        /// Field 15: kernel-mode CPU time.
        var systemTicks: UInt64
        /// Field 22: start time after system boot.
        var startTicks: UInt64
    }

    /// Parses `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may hold spaces and
    /// parentheses itself, so fields are counted from the last `)`.
    static func parseStat(_ text: String) -> Stat? {
        guard let close = text.utf8.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        let rest = text.utf8[text.utf8.index(after: close)...]
        let fields = rest.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        // fields[0] is field 3 (state); field n is fields[n - 3].
        guard fields.count >= 20 else {
            return nil
        }
        guard let user = number(fields[14 - 3]), let system = number(fields[15 - 3]),
            let start = number(fields[22 - 3])
        else {
            return nil
        }
        return Stat(userTicks: user, systemTicks: system, startTicks: start)
    }

    /// Resident pages: the second field of `/proc/<pid>/statm`.
    static func parseResidentPages(statm text: String) -> UInt64? {
        let fields = text.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard fields.count >= 2 else {
            return nil
        }
        return number(fields[1])
    }

    /// Boot time in seconds since the epoch: the `btime` line of `/proc/stat`.
    static func parseBootTime(procStat text: String) -> UInt64? {
        for line in text.utf8.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard fields.count == 2 else {
                return nil
            }
            return number(fields[1])
        }
        return nil
    }

    private static func number(_ bytes: Substring.UTF8View) -> UInt64? {
        UInt64(String(decoding: bytes.filter { $0 != UInt8(ascii: "\n") }, as: UTF8.self))
    }
}
