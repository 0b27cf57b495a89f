/// Sluice's release version, one constant for every binary and library: `sluice --version`,
/// `sluiced --version` and the broker's `sluice_build_info{version}` metric.
///
/// It lives in SluiceWire, the lowest Sluice module, so the CLI (which must not link the daemon's
/// SluiceServer) and the daemon read the same value.
public enum SluiceVersion {
    /// The version string, `MAJOR.MINOR.PATCH`.
    public static let current = "0.1.0"
}
