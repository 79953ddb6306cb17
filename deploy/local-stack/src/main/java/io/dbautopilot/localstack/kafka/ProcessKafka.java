package io.dbautopilot.localstack.kafka;

import io.dbautopilot.localstack.TempDirectories;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) in a JVM of its own, so a test can kill it
 * with SIGKILL and start it again on the same address with the same data, as an outage of a real broker does.
 *
 * <p>No code of ours runs in that JVM: it is Kafka's own {@code kafka.tools.StorageTool format} once, then Kafka's own
 * {@code kafka.Kafka server.properties} (what {@code kafka-storage.sh} and {@code kafka-server-start.sh} run), on the
 * class path of the JVM that starts it, which has the broker through {@code kafka-test-common-runtime}. Single-node
 * settings as {@link EmbeddedKafka}'s.
 */
public final class ProcessKafka implements KafkaBroker {

    private static final Duration READY = Duration.ofSeconds(90);

    private final Path baseDir;
    private final Path properties;
    private final Path log;
    private final int port;
    private final String classPath;
    private volatile Process process;
    private volatile boolean closed;

    private ProcessKafka(Path baseDir, int port, Path log) {
        this.baseDir = baseDir;
        this.port = port;
        this.log = log;
        this.properties = baseDir.resolve("server.properties");
        this.classPath = System.getProperty("java.class.path");
    }

    /**
     * Formats a new data directory and starts the broker on a free port.
     *
     * @param log file that receives the broker's console output (appended across restarts)
     */
    public static ProcessKafka launch(Path log) {
        try {
            Files.createDirectories(log.getParent());
            Path baseDir = Files.createTempDirectory("dbautopilot-kafka-process-");
            ProcessKafka kafka = new ProcessKafka(baseDir, freePort(), log);
            kafka.writeProperties(freePort());
            kafka.run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    kafka.properties.toString()), Duration.ofSeconds(60));
            kafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "process-kafka-cleanup"));
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the Kafka broker process", e);
        }
    }

    private void writeProperties(int controllerPort) throws IOException {
        String text = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + baseDir.resolve("data"),
                "auto.create.topics.enable=true",
                "num.partitions=3",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "");
        Files.writeString(properties, text);
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker process (again) on the same address and data, and waits until it answers. */
    @Override
    public synchronized void start() {
        if (running()) {
            return;
        }
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(java(List.of("kafka.Kafka", properties.toString())))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker process", e);
        }
        awaitReady();
    }

    /** Stops the broker cleanly (SIGTERM: a controlled shutdown), keeping its address and data. */
    @Override
    public synchronized void stop() {
        end(false);
    }

    /** Kills the broker with SIGKILL: no controlled shutdown, no flush; its address and data stay for {@link #start()}. */
    public synchronized void kill() {
        end(true);
    }

    @Override
    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The broker JVM's process id, or -1 when it is not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        end(true);
        TempDirectories.deleteRecursively(baseDir);
    }

    private void end(boolean forcibly) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            if (forcibly) {
                p.destroyForcibly();
            } else {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker process exited with " + process.exitValue()
                            + "; see " + log);
                }
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException("the Kafka broker process did not answer within " + READY + " (" + last
                + "); see " + log);
    }

    private void run(List<String> mainAndArgs, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(java(mainAndArgs)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", mainAndArgs) + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<String> java(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx320m", "-XX:+UseSerialGC", "-cp", classPath));
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
