/// ISO 8601 UTC timestamps with millisecond precision (`2026-11-21T09:04:05.123Z`) for stderr lines.
///
/// Pure calendar arithmetic (Howard Hinnant's `civil_from_days`), so formatting needs no locale, no
/// time zone database and no Foundation, and tests can pin any instant.
enum UTCTimestamp {
    /// Formats seconds and nanoseconds since the Unix epoch. `nanoseconds` must be in `0..<1_000_000_000`.
    static func format(secondsSinceEpoch: Int64, nanoseconds: Int64) -> String {
        precondition(nanoseconds >= 0, "nanoseconds \(nanoseconds) below 0")
        precondition(nanoseconds < 1_000_000_000, "nanoseconds \(nanoseconds) not below one second")
        let secondsPerDay: Int64 = 86_400
        let days = floorDivide(secondsSinceEpoch, secondsPerDay)
        let secondOfDay = secondsSinceEpoch - days * secondsPerDay
        let (year, month, day) = civil(daysSinceEpoch: days)
        let hour = secondOfDay / 3_600
        let minute = (secondOfDay % 3_600) / 60
        let second = secondOfDay % 60
        let millisecond = nanoseconds / 1_000_000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    static func civil(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        assert(month >= 1 && month <= 12)
        assert(day >= 1 && day <= 31)
        return (year, month, day)
    }

    private static func floorDivide(_ dividend: Int64, _ divisor: Int64) -> Int64 {
        let quotient = dividend / divisor
        return (dividend % divisor < 0) ? quotient - 1 : quotient
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        guard digits.count < width else {
            return digits
        }
        return String(repeating: "0", count: width - digits.count) + digits
    }
}
