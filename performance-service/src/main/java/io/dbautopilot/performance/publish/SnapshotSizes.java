package io.dbautopilot.performance.publish;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Size of each target's last published snapshot as gauges {@code autopilot_snapshot_bytes{encoding=json|compressed}}
 * and {@code autopilot_snapshot_points}; the compressed size applies the metrics producer's measured compression
 * ratio (its {@code compression-rate-avg}), so it is what the snapshot costs on Kafka.
 */
@ApplicationScoped
public class SnapshotSizes {

    private final MeterRegistry meters;
    private final KafkaClientService kafka;
    private final Map<String, Size> last = new ConcurrentHashMap<>();

    public SnapshotSizes(MeterRegistry meters, KafkaClientService kafka) {
        this.meters = meters;
        this.kafka = kafka;
    }

    /** Records the serialized size of a target's snapshot. */
    void record(String targetId, int points, int jsonBytes) {
        Size size = last.computeIfAbsent(targetId, this::register);
        size.points = points;
        size.json = jsonBytes;
    }

    /** Estimated compressed size of the target's last snapshot in bytes, or -1 if not known yet. */
    public double compressedBytes(String targetId) {
        Size size = last.get(targetId);
        double ratio = compressionRatio();
        return size == null || Double.isNaN(ratio) ? -1 : size.json * ratio;
    }

    private Size register(String targetId) {
        Size size = new Size();
        Gauge.builder("autopilot.snapshot.bytes", size, s -> s.json).tag("target", targetId).tag("encoding", "json")
                .description("Serialized (JSON) size of the target's last snapshot").register(meters);
        Gauge.builder("autopilot.snapshot.bytes", targetId, this::compressedBytes).tag("target", targetId)
                .tag("encoding", "compressed")
                .description("Size of the target's last snapshot after the producer's compression (estimated from its "
                        + "average compression rate)").register(meters);
        Gauge.builder("autopilot.snapshot.points", size, s -> s.points).tag("target", targetId)
                .description("Points in the target's last snapshot").register(meters);
        return size;
    }

    /** The metrics producer's average compressed/uncompressed ratio, NaN before it sent anything. */
    double compressionRatio() {
        try {
            Map<MetricName, ? extends Metric> metrics = kafka.getProducer("metrics").unwrap().metrics();
            for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
                if (e.getKey().name().equals("compression-rate-avg") && e.getKey().group().equals("producer-metrics")) {
                    Object v = e.getValue().metricValue();
                    return v instanceof Double d && d > 0 && Double.isFinite(d) ? d : Double.NaN;
                }
            }
        } catch (RuntimeException e) {
            // no producer yet
        }
        return Double.NaN;
    }

    private static final class Size {
        volatile int points;
        volatile int json;
    }
}
