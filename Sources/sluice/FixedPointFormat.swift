/// Formats doubles with a fixed number of decimals, as Java's `%.Nf` does (half-up rounding), without
/// Foundation's `String(format:)`.
enum FixedPointFormat {
    /// `format(3.14159, decimals: 2)` is `"3.14"`; non-finite values print as Java prints them.
    static func format(_ value: Double, decimals: Int) -> String {
        precondition((0...9).contains(decimals), "0 to 9 decimals")
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        var scale: Double = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else { return String(value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let sign = value < 0 && units > 0 ? "-" : ""
        let whole = "\(units / divisor)"
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % divisor)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
