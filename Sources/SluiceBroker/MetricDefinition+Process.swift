import SluiceObservability

extension MetricDefinition {
    /// `sluice_build_info{version}`: always 1; the label carries the version.
    public static let buildInfo = gauge(
        "sluice_build_info", labels: ["version"],
        help: "Build information of the running Sluice; the value is always 1.")
    /// `process_cpu_seconds_total`: user and system CPU time of the process.
    public static let processCPUSeconds = counter(
        "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.")
    /// `process_resident_memory_bytes`: resident set size.
    public static let processResidentMemory = gauge(
        "process_resident_memory_bytes", help: "Resident memory size in bytes.")
    /// `process_open_fds`: open file descriptors.
    public static let processOpenFDs = gauge("process_open_fds", help: "Number of open file descriptors.")
    /// `process_start_time_seconds`: start time since the Unix epoch.
    public static let processStartTime = gauge(
        "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
}
