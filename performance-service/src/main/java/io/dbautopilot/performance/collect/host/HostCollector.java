package io.dbautopilot.performance.collect.host;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code host} family: CPU, load, memory, swap, the data directory's filesystem, disk I/O and network of the
 * machine this service runs on, read through OSHI on a worker thread (it reads /proc and /sys).
 *
 * <p>It is collected with a target only when that target runs on this machine (a loopback or local address) or
 * {@code autopilot.targets.<id>.host-metrics=true}. The machine is read once per {@link #SHARED_FOR} whatever the
 * number of local targets (ten targets on one host read it once per tick, not ten times); each target gets its own
 * CPU ratios (since its previous cycle) and its data directory's filesystem from that reading.
 */
@ApplicationScoped
public class HostCollector {

    /** How long one reading of the machine serves the targets collected after it. */
    static final Duration SHARED_FOR = Duration.ofSeconds(1);

    private final HardwareAbstractionLayer hardware;
    private final oshi.software.os.OperatingSystem os;
    private final Map<String, long[]> previousTicks = new ConcurrentHashMap<>();
    private final Map<String, Boolean> local = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private Machine latest;

    public HostCollector() {
        SystemInfo system = new SystemInfo();
        this.hardware = system.getHardware();
        this.os = system.getOperatingSystem();
    }

    /** Whether host metrics go with this target's snapshots. */
    public boolean enabledFor(TargetRuntime target) {
        return target.config().hostMetrics().orElseGet(() -> local.computeIfAbsent(target.config().url().host(),
                host -> isLocal(target.config().url())));
    }

    /** Reads the host family for one target's cycle. */
    public Uni<List<MetricPoint>> collect(TargetRuntime target) {
        return Uni.createFrom().item(() -> read(target)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** How many times the machine was read (not how many targets were given host metrics). */
    public long reads() {
        return reads.get();
    }

    /** One reading of the machine: the CPU ticks, the file stores and the points that are the same for every target. */
    private record Machine(Instant at, long[] ticks, List<OSFileStore> stores, List<MetricPoint> shared) {
    }

    /** The latest reading if recent and new to this target (its CPU ratios need new ticks), else a new one. */
    private synchronized Machine machine(String targetId) {
        Instant now = Instant.now();
        if (latest == null || !now.isBefore(latest.at().plus(SHARED_FOR))
                || previousTicks.get(targetId) == latest.ticks()) {
            latest = readMachine(now);
            reads.incrementAndGet();
        }
        return latest;
    }

    private List<MetricPoint> read(TargetRuntime target) {
        Machine machine = machine(target.id());
        PointsBuilder points = new PointsBuilder();
        long[] ticks = machine.ticks();
        long[] before = previousTicks.put(target.id(), ticks);
        if (before != null) {
            long total = 0;
            for (int i = 0; i < ticks.length; i++) {
                total += ticks[i] - before[i];
            }
            if (total > 0) {
                points.add("host_cpu_user_ratio", ratio(ticks, before, total, TickType.USER, TickType.NICE));
                points.add("host_cpu_system_ratio", ratio(ticks, before, total, TickType.SYSTEM, TickType.IRQ,
                        TickType.SOFTIRQ));
                points.add("host_cpu_iowait_ratio", ratio(ticks, before, total, TickType.IOWAIT));
                points.add("host_cpu_steal_ratio", ratio(ticks, before, total, TickType.STEAL));
                points.add("host_cpu_idle_ratio", ratio(ticks, before, total, TickType.IDLE));
            }
        }
        Optional<OSFileStore> dataStore = dataFileStore(machine.stores(), target.dataDirectory());
        for (OSFileStore store : dataStore.map(List::of).orElse(machine.stores())) {
            String mount = store.getMount();
            points.add("host_filesystem_size_bytes", store.getTotalSpace(), "mountpoint", mount);
            points.add("host_filesystem_free_bytes", store.getUsableSpace(), "mountpoint", mount);
            points.add("host_filesystem_files", store.getTotalInodes(), "mountpoint", mount);
            points.add("host_filesystem_files_free", store.getFreeInodes(), "mountpoint", mount);
            if (store.getTotalSpace() > 0) {
                points.add("host_filesystem_used_ratio",
                        1.0 - (double) store.getUsableSpace() / store.getTotalSpace(), "mountpoint", mount);
            }
        }
        dataStore.ifPresent(s -> points.add("host_data_directory_filesystem_free_bytes", s.getUsableSpace()));
        List<MetricPoint> own = points.build();
        List<MetricPoint> all = new ArrayList<>(machine.shared().size() + own.size());
        all.addAll(machine.shared());
        all.addAll(own);
        return all;
    }

    private Machine readMachine(Instant at) {
        PointsBuilder points = new PointsBuilder();
        CentralProcessor cpu = hardware.getProcessor();
        long[] ticks = cpu.getSystemCpuLoadTicks();
        points.add("host_cpu_count", cpu.getLogicalProcessorCount());
        double[] load = cpu.getSystemLoadAverage(3);
        String[] names = {"host_load1", "host_load5", "host_load15"};
        for (int i = 0; i < 3; i++) {
            if (load[i] >= 0) {
                points.add(names[i], load[i]);
            }
        }

        GlobalMemory memory = hardware.getMemory();
        points.add("host_memory_total_bytes", memory.getTotal());
        points.add("host_memory_available_bytes", memory.getAvailable());
        points.add("host_swap_total_bytes", memory.getVirtualMemory().getSwapTotal());
        points.add("host_swap_used_bytes", memory.getVirtualMemory().getSwapUsed());

        for (HWDiskStore disk : hardware.getDiskStores()) {
            disk.updateAttributes();
            String device = disk.getName();
            points.add("host_disk_read_bytes", disk.getReadBytes(), "device", device);
            points.add("host_disk_written_bytes", disk.getWriteBytes(), "device", device);
            points.add("host_disk_reads", disk.getReads(), "device", device);
            points.add("host_disk_writes", disk.getWrites(), "device", device);
            points.add("host_disk_io_time_seconds", disk.getTransferTime() / 1000.0, "device", device);
        }

        for (NetworkIF net : hardware.getNetworkIFs(false)) {
            net.updateAttributes();
            String name = net.getName();
            points.add("host_network_receive_bytes", net.getBytesRecv(), "interface", name);
            points.add("host_network_transmit_bytes", net.getBytesSent(), "interface", name);
            points.add("host_network_receive_errors", net.getInErrors(), "interface", name);
            points.add("host_network_transmit_errors", net.getOutErrors(), "interface", name);
        }
        return new Machine(at, ticks, List.copyOf(os.getFileSystem().getFileStores(true)), points.build());
    }

    private static double ratio(long[] now, long[] before, long total, TickType... types) {
        long sum = 0;
        for (TickType t : types) {
            sum += now[t.getIndex()] - before[t.getIndex()];
        }
        return (double) sum / total;
    }

    /** The local file store whose mount point is the longest prefix of the data directory. */
    static Optional<OSFileStore> dataFileStore(List<OSFileStore> stores, String dataDirectory) {
        if (dataDirectory == null) {
            return Optional.empty();
        }
        Path dir;
        try {
            dir = Path.of(dataDirectory).toRealPath();
        } catch (Exception e) {
            dir = Path.of(dataDirectory).toAbsolutePath().normalize();
        }
        Path target = dir;
        return stores.stream()
                .filter(s -> target.startsWith(Path.of(s.getMount())))
                .max(Comparator.comparingInt(s -> Path.of(s.getMount()).getNameCount()));
    }

    static boolean isLocal(DatabaseUrl url) {
        String host = url.host();
        if (host.isEmpty() || host.equals("localhost")) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (Exception e) {
            return false;
        }
    }
}
