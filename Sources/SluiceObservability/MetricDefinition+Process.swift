extension MetricDefinition {
    /// `sluice_build_info{version}`: always 1; the label carries the version.
    public static let buildInfo = MetricDefinition(
        name: "sluice_build_info", kind: .gauge, labelNames: ["version"],
        help: "Build information of the running Sluice; the value is always 1."
    )
    /// `process_cpu_seconds_total`: user and system CPU time of the process.
    public static let processCPUSeconds = MetricDefinition(
        name: "process_cpu_seconds_total", kind: .counter,
        help: "Total user and system CPU time spent in seconds."
    )
    /// `process_resident_memory_bytes`: resident set size.
    public static let processResidentMemory = MetricDefinition(
        name: "process_resident_memory_bytes", kind: .gauge,
        help: "Resident memory size in bytes."
    )
    /// `process_open_fds`: open file descriptors.
    public static let processOpenFDs = MetricDefinition(
        name: "process_open_fds", kind: .gauge,
        help: "Number of open file descriptors."
    )
    /// `process_start_time_seconds`: start time since the Unix epoch.
    public static let processStartTime = MetricDefinition(
        name: "process_start_time_seconds", kind: .gauge,
        help: "Start time of the process since unix epoch in seconds."
    )
}
