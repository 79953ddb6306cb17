package io.dbautopilot.performance.fleet;

import io.dbautopilot.model.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Which collector-group member owns each registry partition, as the group coordinator describes it; cached for
 * {@code autopilot.fleet.owners-cache} so listing targets does not ask the broker each time. Blocking: call it on a
 * worker thread.
 */
@ApplicationScoped
public class PartitionOwners {

    private static final Logger LOG = Logger.getLogger(PartitionOwners.class);

    private record Cached(Map<Integer, String> owners, Instant at) {
    }

    private final CollectorFleet fleet;
    private final CollectorFleetConfig config;
    private volatile Admin admin;
    private volatile Cached cached;

    public PartitionOwners(CollectorFleet fleet, CollectorFleetConfig config) {
        this.fleet = fleet;
        this.config = config;
    }

    /** Partition to owning instance id; partitions no member holds (or everything, when the broker does not answer) are absent. */
    public synchronized Map<Integer, String> owners() {
        Cached c = cached;
        if (c != null && c.at().plus(config.ownersCache()).isAfter(Instant.now())) {
            return c.owners();
        }
        Map<Integer, String> owners = new HashMap<>();
        try {
            ConsumerGroupDescription group = admin().describeConsumerGroups(java.util.List.of(config.collectorGroup()))
                    .describedGroups().get(config.collectorGroup()).get(5, TimeUnit.SECONDS);
            for (MemberDescription member : group.members()) {
                String name = member.groupInstanceId().orElse(member.clientId());
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(Topics.TARGETS)) {
                        owners.put(tp.partition(), name);
                    }
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debugf("Describing collector group %s failed: %s", config.collectorGroup(), e.toString());
            return c == null ? Map.of() : c.owners();
        }
        cached = new Cached(Map.copyOf(owners), Instant.now());
        return cached.owners();
    }

    /** Forgets the cached membership (after this instance's own assignment changed). */
    public void invalidate() {
        cached = null;
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> props = fleet.kafka().with(Map.of());
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, fleet.instanceId() + "-owners");
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
            admin = Admin.create(props);
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
