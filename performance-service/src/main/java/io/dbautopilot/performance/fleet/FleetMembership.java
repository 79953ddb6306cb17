package io.dbautopilot.performance.fleet;

import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * This instance's membership of the collector group: a consumer of {@code autopilot.targets.v1} on its own thread
 * that only takes part in the group's assignment (its partitions stay paused; the {@code TargetStore} reads the
 * definitions) and tells {@link Ownership} what it gained and lost.
 */
final class FleetMembership implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(FleetMembership.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Ownership ownership;
    private final String instanceId;
    private final CountDownLatch firstAssignment = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    FleetMembership(io.dbautopilot.support.fleet.KafkaClientSettings kafka, CollectorFleetConfig config, String instanceId, Ownership ownership) {
        this.ownership = ownership;
        this.instanceId = instanceId;
        Map<String, Object> props = kafka.with(Map.of());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.collectorGroup());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceId);
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.heartbeatInterval().toMillis());
        // a revocation waits for cycles in flight: leave room for it within the rebalance
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.max(60_000, config.drainTimeout().multipliedBy(3).toMillis()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this::run, "fleet-membership");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits for the group's first assignment to this instance (it may be empty); false on timeout. */
    boolean awaitAssignment(Duration timeout) throws InterruptedException {
        return firstAssignment.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.TARGETS), this);
            while (running) {
                consumer.poll(Duration.ofMillis(500)); // paused: returns nothing, keeps the membership alive
            }
        } catch (WakeupException e) {
            // closing
        } catch (FencedInstanceIdException e) {
            LOG.errorf("Another instance joined the collector group as %s (autopilot.fleet.instance-id must be unique): "
                    + "this instance stops collecting", instanceId);
            ownership.revoked(ownership.partitions());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Collector group membership failed: this instance stops collecting");
            ownership.revoked(ownership.partitions());
        } finally {
            try {
                // leave the group at once (a static member would otherwise hold its partitions for the session timeout)
                consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.debugf("Closing the collector group consumer: %s", e);
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
        ownership.assigned(partitions.stream().map(TopicPartition::partition).toList());
        firstAssignment.countDown();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        ownership.revoked(partitions.stream().map(TopicPartition::partition).toList());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        LOG.warnf("Collector group membership lost (session expired?): giving up partitions %s", partitions);
        onPartitionsRevoked(partitions);
    }

    /** Leaves the group: revokes (and so releases) every owned target, then closes the consumer. */
    void stop() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(40).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
