package io.dbautopilot.localstack.kafka;

import io.dbautopilot.localstack.TempDirectories;
import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) inside this JVM.
 *
 * <p>Built on Kafka's own {@link KafkaClusterTestKit}: starts in about two seconds, needs no Docker, and keeps
 * its port across {@link #stop()} / {@link #start()}, so clients reconnect to the same address.
 */
public final class EmbeddedKafka implements KafkaBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class.getName());

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;
    private final String bootstrapServers;
    private final Thread shutdownHook;
    private volatile boolean running;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.bootstrapServers = cluster.bootstrapServers();
        this.shutdownHook = new Thread(this::close, "embedded-kafka-cleanup");
    }

    /** Formats and starts a new broker with settings suited to one node (replication factor 1). */
    public static EmbeddedKafka launch() {
        return launch(Map.of());
    }

    /** Formats and starts a new broker; {@code overrides} are extra broker settings. */
    public static EmbeddedKafka launch(Map<String, Object> overrides) {
        try {
            // Our own directory: Kafka's default temp directory is deleted by a JVM shutdown hook of its own, which
            // races the broker's shutdown (and ours) on Ctrl-C and fills the console with storage errors.
            Path baseDir = Files.createTempDirectory("dbautopilot-kafka-");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setBaseDirectory(baseDir)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("auto.create.topics.enable", "true")
                    .setConfigProp("num.partitions", "3")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1");
            overrides.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDir);
            kafka.running = true;
            Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
            return kafka;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        broker().shutdown();
        broker().awaitShutdown();
        running = false;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        broker().startup();
        try {
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("broker did not come back: " + e.getMessage(), e);
        }
        running = true;
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warning("closing the embedded Kafka broker failed: " + e.getMessage());
        } finally {
            running = false;
            TempDirectories.deleteRecursively(baseDir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // called from the hook itself
            }
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }
}
