package io.dbautopilot.support.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.support.retry.Backoff;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * This process's copy of the fleet registry: reads every partition of the compacted topic {@code autopilot.targets.v1}
 * from the beginning (no consumer group), keeps the latest definition per target id, creates the topic (compacted,
 * {@code autopilot.fleet.partitions}) when it is missing, and tells listeners about every change. A record that is not a
 * valid definition is logged with its offset and skipped; it never stops the reader.
 *
 * <p>Started at application start-up on a daemon thread; a broker outage is retried (logged once per outage) and never
 * fails the start. Plain construction ({@link #TargetStore(KafkaClientSettings, String, int, Optional)} then
 * {@link #start()}) gives an independent reader, e.g. in tests.
 */
@ApplicationScoped
public class TargetStore {

    private static final Logger LOG = Logger.getLogger(TargetStore.class);
    private static final ObjectMapper MAPPER = EventJson.newMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PROBE_EVERY = Duration.ofSeconds(30);
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(15), Integer.MAX_VALUE);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final KafkaClientSettings kafka;
    private final String topic;
    private final int configuredPartitions;
    private final Optional<Short> replicationFactor;

    private final ConcurrentSkipListMap<String, RegisteredTarget> targets = new ConcurrentSkipListMap<>();
    private final List<TargetListener> listeners = new ArrayList<>();
    /** Next offset to read per partition, updated after the record before it was applied. */
    private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    /** Back-off waits on it; {@link #close()} wakes them. */
    private final Object sleeper = new Object();
    private final CountDownLatch caughtUp = new CountDownLatch(1);

    private volatile Map<Integer, Long> startEndOffsets;
    private volatile int partitionCount = -1;
    private volatile boolean running;
    private volatile boolean closed;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;
    private long lastProbeNanos;

    /** The store of a service: the registry topic on the service's Kafka cluster. */
    @Inject
    public TargetStore(FleetConfig fleet, Config config) {
        this(KafkaClientSettings.from(config), Topics.TARGETS, fleet.partitions(), fleet.replicationFactor());
    }

    /**
     * An independent store (not started).
     *
     * @param kafka             client settings
     * @param topic             registry topic
     * @param partitions        partitions when this store creates the topic
     * @param replicationFactor replication factor when this store creates the topic; empty = broker default
     */
    public TargetStore(KafkaClientSettings kafka, String topic, int partitions, Optional<Short> replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("autopilot.fleet.partitions must be at least 1, not " + partitions);
        }
        this.kafka = kafka;
        this.topic = topic;
        this.configuredPartitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    /** Starts the reader thread (idempotent; nothing after {@link #close()}). */
    public synchronized void start() {
        if (reader != null || closed) {
            return;
        }
        running = true;
        reader = new Thread(this::run, "fleet-registry-reader-" + INSTANCES.incrementAndGet());
        reader.setDaemon(true);
        reader.start();
    }

    /** Stops the reader and closes its Kafka clients. */
    @PreDestroy
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            running = false;
            t = reader;
        }
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every registered target, ordered by id. */
    public Collection<RegisteredTarget> all() {
        return List.copyOf(targets.values());
    }

    /** One registered target by id. */
    public Optional<RegisteredTarget> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(targets.get(id));
    }

    /** Adds a listener; it is first told about every target already known, then about every change. */
    public void addListener(TargetListener listener) {
        synchronized (listeners) {
            for (RegisteredTarget t : targets.values()) {
                tell(listener, t.id(), Optional.of(t));
            }
            listeners.add(listener);
        }
    }

    /** Removes a listener added before; it is told nothing after this returns. */
    public void removeListener(TargetListener listener) {
        synchronized (listeners) {
            listeners.remove(listener);
        }
    }

    /** Waits until everything on the topic when this process started has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) {
        start();
        try {
            return caughtUp.await(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether everything on the topic when this process started has been read. */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /**
     * Waits until this store has read (and applied) the record at {@code offset} of {@code partition}.
     *
     * @return false on timeout
     */
    public boolean awaitRead(int partition, long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (positions.getOrDefault(partition, -1L) <= offset) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Number of partitions of the registry topic (the configured count until the topic has been described). */
    public int partitions() {
        int n = partitionCount;
        return n > 0 ? n : configuredPartitions;
    }

    /** The registry topic this store reads. */
    public String topic() {
        return topic;
    }

    // ---- reader thread ----

    private void run() {
        int failures = 0;
        boolean outage = false;
        while (running) {
            try {
                if (consumer == null) {
                    consumer = connect();
                }
                ConsumerRecords<String, String> records = consumer.poll(POLL);
                apply(records);
                afterPoll(consumer);
                if (outage) {
                    LOG.infof("Fleet registry %s on %s is reachable again", topic, kafka.bootstrapServers());
                    outage = false;
                }
                failures = 0;
            } catch (WakeupException | InterruptException e) {
                if (!running) {
                    break;
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                if (e instanceof InterruptedException) {
                    break;
                }
                failures++;
                if (!outage) {
                    LOG.warnf("Fleet registry %s on %s is unreachable (%s); retrying until it is back", topic,
                            kafka.bootstrapServers(), describe(e));
                    outage = true;
                } else {
                    LOG.debugf("Fleet registry still unreachable: %s", describe(e));
                }
                try {
                    synchronized (sleeper) {
                        if (running) {
                            sleeper.wait(BACKOFF.delay(failures).toMillis());
                        }
                    }
                } catch (InterruptedException ie) {
                    break;
                }
            }
        }
        KafkaConsumer<String, String> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debugf("Closing the registry reader: %s", e);
            }
        }
    }

    private KafkaConsumer<String, String> connect() throws ExecutionException, InterruptedException, TimeoutException {
        int n;
        try (Admin admin = Admin.create(kafka.with(Map.of(
                "client.id", "fleet-registry-admin-" + INSTANCES.get(),
                "request.timeout.ms", (int) ADMIN_TIMEOUT.toMillis(),
                "default.api.timeout.ms", (int) ADMIN_TIMEOUT.toMillis())))) {
            n = ensureTopic(admin, true);
        }
        partitionCount = n;
        KafkaConsumer<String, String> c = new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, "fleet-registry-reader-" + INSTANCES.get(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis())),
                new StringDeserializer(), new StringDeserializer());
        try {
            List<TopicPartition> tps = IntStream.range(0, n).mapToObj(p -> new TopicPartition(topic, p)).toList();
            c.assign(tps);
            for (TopicPartition tp : tps) {
                Long next = positions.get(tp.partition());
                if (next == null) {
                    c.seekToBeginning(List.of(tp));
                } else {
                    c.seek(tp, next);
                }
            }
            if (startEndOffsets == null) {
                Map<Integer, Long> end = new HashMap<>();
                c.endOffsets(tps, ADMIN_TIMEOUT).forEach((tp, off) -> end.put(tp.partition(), off));
                startEndOffsets = Map.copyOf(end);
            }
            lastProbeNanos = System.nanoTime();
            return c;
        } catch (RuntimeException e) {
            c.close(Duration.ZERO);
            throw e;
        }
    }

    private int ensureTopic(Admin admin, boolean mayCreate)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            int n = d.partitions().size();
            if (n != configuredPartitions) {
                LOG.infof("Fleet registry %s has %d partitions; autopilot.fleet.partitions=%d applies only when the topic"
                        + " is created, so it is used as is", topic, n, configuredPartitions);
            }
            return n;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || !mayCreate) {
                throw e;
            }
        }
        NewTopic nt = new NewTopic(topic, Optional.of(configuredPartitions), replicationFactor)
                .configs(Map.of("cleanup.policy", "compact"));
        try {
            admin.createTopics(List.of(nt)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("Created the fleet registry topic %s (compacted, %d partitions, replication factor %s)", topic,
                    configuredPartitions, replicationFactor.map(String::valueOf).orElse("broker default"));
            return configuredPartitions;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return ensureTopic(admin, false);
            }
            throw e;
        }
    }

    private void apply(ConsumerRecords<String, String> records) {
        for (ConsumerRecord<String, String> r : records) {
            try {
                applyOne(r);
            } finally {
                positions.put(r.partition(), r.offset() + 1);
            }
        }
    }

    private void applyOne(ConsumerRecord<String, String> r) {
        String key = r.key();
        if (key == null || key.isBlank()) {
            LOG.warnf("Skipped the record at %s partition %d offset %d: it has no key (the target id)", topic,
                    r.partition(), r.offset());
            return;
        }
        if (r.value() == null) {
            if (targets.containsKey(key)) {
                synchronized (listeners) {
                    targets.remove(key);
                    tellAll(key, Optional.empty());
                }
            }
            return;
        }
        List<String> problems = EventValidator.shared().validate(EventKind.TARGET_DEFINITION, r.value());
        if (!problems.isEmpty()) {
            LOG.warnf("Skipped the record at %s partition %d offset %d (key '%s'): not a valid target definition: %s",
                    topic, r.partition(), r.offset(), printable(key), abbreviate(String.join("; ", problems)));
            return;
        }
        TargetDefinition definition;
        try {
            definition = MAPPER.readValue(r.value(), TargetDefinition.class);
        } catch (Exception e) {
            LOG.warnf("Skipped the record at %s partition %d offset %d (key '%s'): not a valid target definition: %s",
                    topic, r.partition(), r.offset(), printable(key), abbreviate(describe(e)));
            return;
        }
        if (!key.equals(definition.id())) {
            LOG.warnf("Skipped the record at %s partition %d offset %d: its key '%s' is not its id '%s'", topic,
                    r.partition(), r.offset(), printable(key), printable(definition.id()));
            return;
        }
        RegisteredTarget target = new RegisteredTarget(definition, r.partition(), r.offset());
        synchronized (listeners) {
            targets.put(key, target);
            tellAll(key, Optional.of(target));
        }
    }

    private void afterPoll(KafkaConsumer<String, String> c) {
        for (TopicPartition tp : c.assignment()) {
            positions.put(tp.partition(), c.position(tp, ADMIN_TIMEOUT));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        Map<Integer, Long> end = startEndOffsets;
        if (caughtUp.getCount() > 0 && end != null
                && end.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
            caughtUp.countDown();
            LOG.infof("Fleet registry %s read: %d targets", topic, targets.size());
        }
        if (System.nanoTime() - lastProbeNanos > PROBE_EVERY.toNanos()) {
            // A consumer without a group reconnects silently; asking for the end offsets notices an outage.
            lastProbeNanos = System.nanoTime();
            c.endOffsets(c.assignment(), ADMIN_TIMEOUT);
        }
    }

    private void tellAll(String id, Optional<RegisteredTarget> target) {
        for (TargetListener l : listeners) {
            tell(l, id, target);
        }
    }

    private static void tell(TargetListener listener, String id, Optional<RegisteredTarget> target) {
        try {
            listener.changed(id, target);
        } catch (RuntimeException e) {
            LOG.errorf(e, "A fleet registry listener failed on target %s", id);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while ((root instanceof ExecutionException || root.getCause() != null && root.getMessage() == null)
                && root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }

    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }
}
