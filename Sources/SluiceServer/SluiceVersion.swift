/// The version reported by `sluice_build_info{version}` and `--version`.
public enum SluiceVersion {
    public static let current = "0.1.0"
}
