import SluiceWire

/// The version reported by `sluice_build_info{version}` and `sluiced --version`: SluiceWire's constant,
/// re-exported under the name `sluiced` already uses, so the CLI and the daemon cannot disagree.
public typealias SluiceVersion = SluiceWire.SluiceVersion
