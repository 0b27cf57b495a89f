import Glibc
import Prometheus
import SluiceObservability
import Synchronization

/// The standard process metrics (`process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_open_fds`, `process_start_time_seconds`) and `sluice_build_info{version}`, read from
/// `/proc/self` on each ``refresh()`` — call it right before emitting a scrape.
///
/// One instance per registry: the CPU counter advances by the difference since this instance's previous
/// refresh, so a second instance on the same registry would count CPU time twice.
public final class ProcessMetrics: Sendable {
    private let cpuSeconds: Prometheus.Counter
    private let residentMemoryBytes: Gauge
    private let openFileDescriptors: Gauge
    private let startTimeSeconds: Gauge
    private let buildInfo: Gauge
    /// CPU ticks already added to `cpuSeconds`. Locked so concurrent scrapes add each tick once.
    private let countedCPUTicks = Mutex<UInt64>(0)
    private let ticksPerSecond: Double
    private let pageSizeBytes: Double
    private let procSelf: String

    /// Declares the process metrics and `sluice_build_info{version="<version>"} 1` on `registry`, sets the
    /// start time and takes a first reading.
    public convenience init(registry: PrometheusCollectorRegistry, version: String) {
        self.init(registry: registry, version: version, procRoot: "/proc")
    }

    init(registry: PrometheusCollectorRegistry, version: String, procRoot: String) {
        precondition(!version.isEmpty, "empty build version")
        self.cpuSeconds = registry.makeCounter(.processCPUSeconds)
        self.residentMemoryBytes = registry.makeGauge(.processResidentMemory)
        self.openFileDescriptors = registry.makeGauge(.processOpenFDs)
        self.startTimeSeconds = registry.makeGauge(.processStartTime)
        self.buildInfo = registry.makeGauge(.buildInfo, labelValues: [version])
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        self.ticksPerSecond = Double(ticks > 0 ? ticks : 100)
        self.pageSizeBytes = Double(pageSize > 0 ? pageSize : 4_096)
        self.procSelf = procRoot + "/self"
        buildInfo.set(to: 1)
        setStartTime(procRoot: procRoot)
        refresh()
    }

    /// Reads CPU time, resident memory and open descriptors of this process from `/proc/self` and updates
    /// the metrics. A file that cannot be read leaves its metric at the previous value.
    public func refresh() {
        if let text = ProcFile.read(procSelf + "/stat"), let stat = ProcessStatistics.parseStat(text) {
            addCPUTime(totalTicks: stat.userTicks + stat.systemTicks)
        }
        if let pages = ProcFile.read(procSelf + "/statm").flatMap(ProcessStatistics.parseResidentPages(statm:)) {
            residentMemoryBytes.set(to: Double(pages) * pageSizeBytes)
        }
        // The directory stream used to count holds one descriptor of its own.
        if let entries = ProcFile.countEntries(procSelf + "/fd") {
            openFileDescriptors.set(to: Double(max(0, entries - 1)))
        }
    }

    private func addCPUTime(totalTicks: UInt64) {
        countedCPUTicks.withLock { counted in
            // CPU time never decreases; a smaller reading (impossible for /proc/self) adds nothing.
            guard totalTicks > counted else {
                return
            }
            cpuSeconds.increment(by: Double(totalTicks - counted) / ticksPerSecond)
            counted = totalTicks
        }
    }

    private func setStartTime(procRoot: String) {
        guard let stat = ProcFile.read(procSelf + "/stat").flatMap(ProcessStatistics.parseStat),
            let bootTime = ProcFile.read(procRoot + "/stat").flatMap(ProcessStatistics.parseBootTime(procStat:))
        else {
            return
        }
        startTimeSeconds.set(to: Double(bootTime) + Double(stat.startTicks) / ticksPerSecond)
    }
}
