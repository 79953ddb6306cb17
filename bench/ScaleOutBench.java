import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Issue 20's scale-out benchmark: two performance-service instances in one collector group over N databases in T
 * targets (default 1,000 in 10) on one throwaway PostgreSQL cluster; measures, from the metric snapshots on
 * {@code autopilot.metrics.v1}, how many databases get table statistics at the {@code tables} interval (60 s) per
 * instance, with each instance's CPU and RSS; then kills one with SIGKILL and measures how long until the survivor
 * owns every target and what it covers alone. Run through bench/scaleout.sh.
 *
 * <p>Usage: java -cp deploy/local-stack/target/classes:deploy/local-stack/target/lib/* bench/ScaleOutBench.java
 * --root . [--databases 1000] [--targets 10] [--window-seconds 180] [--max-connections 3]
 * [--server-setting 'shared_buffers = 2GB' ...] [--out bench/results-scaleout]
 */
public class ScaleOutBench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final String OPERATOR_KEY = "bench-operator-key-1";
    static final String VIEWER_KEY = "bench-viewer-key-1";
    /** A database counts as covered when table statistics arrived at least every 60 s interval plus one 15 s tick. */
    static final Duration COVERED_GAP = Duration.ofSeconds(75);
    static final List<Process> children = new ArrayList<>();

    static Path root = Path.of(".").toAbsolutePath().normalize();
    static Path out;
    static EmbeddedKafka kafka;
    static ThrowawayPostgres pg;

    public static void main(String[] args) throws Exception {
        int databases = 1000;
        int targets = 10;
        int window = 180;
        Integer maxConnections = null;
        List<String> serverSettings = new ArrayList<>();
        String outDir = "bench/results-scaleout";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--databases" -> databases = Integer.parseInt(args[++i]);
                case "--targets" -> targets = Integer.parseInt(args[++i]);
                case "--window-seconds" -> window = Integer.parseInt(args[++i]);
                case "--out" -> outDir = args[++i];
                case "--max-connections" -> maxConnections = Integer.parseInt(args[++i]);
                case "--server-setting" -> serverSettings.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        out = root.resolve(outDir);
        Files.createDirectories(out);
        Files.createDirectories(root.resolve("bench/logs"));
        Runtime.getRuntime().addShutdownHook(new Thread(ScaleOutBench::cleanup));
        int perTarget = databases / targets;

        progress("starting Kafka and PostgreSQL");
        kafka = EmbeddedKafka.launch();
        // each target may hold max-connections (one server-wide, the rest kept per database); room above them so the
        // collectors' kept connections stay under the busy threshold (90 %), plus the state database's pool
        int serverConnections = Math.max(300, targets * (maxConnections == null ? 3 : maxConnections) * 3 / 2 + 100);
        List<String> settings = new ArrayList<>(List.of("max_connections = " + serverConnections,
                "pg_stat_statements.track_planning = on"));
        settings.addAll(serverSettings);
        pg = ThrowawayPostgres.launch(PostgresBinaries.locate(), 0, settings);
        pg.createDatabase("autopilot");
        pg.createDatabase("so_tpl");
        List<String> ddl = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ddl.add("CREATE TABLE c" + i + " (id int PRIMARY KEY, k int, v text)");
            ddl.add("INSERT INTO c" + i + " SELECT g, g % 7, md5(g::text) FROM generate_series(1, 100) g");
        }
        ddl.add("ANALYZE");
        pg.execute("so_tpl", ddl.toArray(String[]::new));
        pg.execute("postgres", "ALTER DATABASE so_tpl IS_TEMPLATE true");
        long t0 = System.nanoTime();
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (int t = 0; t < targets; t++) {
                for (int d = 0; d < perTarget; d++) {
                    st.execute(String.format("CREATE DATABASE so_t%02d_%04d TEMPLATE so_tpl", t, d));
                }
                progress(String.format("databases: %d of %d created", (t + 1) * perTarget, databases));
            }
        }
        progress(String.format("%d databases created in %.0f s", databases, (System.nanoTime() - t0) / 1e9));

        MetricsWatch watch = new MetricsWatch(kafka.bootstrapServers());
        watch.start();
        Map<String, Instance> instances = new TreeMap<>();
        for (String name : List.of("perf-a", "perf-b")) {
            instances.put(name, Instance.start(name));
        }
        for (Instance i : instances.values()) {
            i.awaitUp();
        }
        for (int t = 0; t < targets; t++) {
            String body = String.format("{\"id\":\"so-%02d\",\"engine\":\"postgresql\",\"url\":\"%s\",\"username\":\"%s\","
                    + "\"credentials_ref\":\"env:BENCH_TARGET_PASSWORD\",\"labels\":{\"bench\":\"scaleout\"},"
                    + "\"collection\":{\"include_databases\":[\"so_t%02d_*\"]%s}}", t, pg.uri("postgres"), pg.user(), t,
                    maxConnections == null ? "" : ",\"max_connections\":" + maxConnections);
            HttpResponse<String> r = instances.get("perf-a").send("POST", "/api/targets", OPERATOR_KEY, body);
            if (r.statusCode() != 201) {
                throw new IllegalStateException("registering so-" + t + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        progress(targets + " targets registered; waiting for both instances to own targets");
        Map<String, String> owners = awaitOwners(instances.get("perf-a"), targets, Set.of("perf-a", "perf-b"), Duration.ofSeconds(120));
        progress("owners: " + owners);

        ObjectNode result = JSON.createObjectNode();
        result.put("databases", databases);
        result.put("targets", targets);
        result.put("window_seconds", window);
        result.put("max_connections_per_target", maxConnections == null ? 3 : maxConnections);
        result.set("server_settings", JSON.valueToTree(settings));
        result.put("covered_means", "table statistics (pg_stat_user_tables_*) of the database on the topic at least every "
                + COVERED_GAP.toSeconds() + " s through the window (tables interval 60 s + one 15 s tick)");

        // settle one full tables interval, then measure both
        Thread.sleep(75_000);
        result.set("both", measure("both", instances, owners, window, watch, perTarget));

        Instance b = instances.get("perf-b");
        b.process.destroyForcibly(); // SIGKILL
        long killed = System.nanoTime();
        b.process.waitFor(30, TimeUnit.SECONDS);
        instances.remove("perf-b");
        Map<String, String> after = awaitOwners(instances.get("perf-a"), targets, Set.of("perf-a"), Duration.ofSeconds(180));
        double takeover = (System.nanoTime() - killed) / 1e9;
        progress(String.format("perf-b killed; perf-a owns all %d targets after %.1f s", targets, takeover));
        Thread.sleep(75_000);
        ObjectNode survivor = measure("survivor", instances, after, window, watch, perTarget);
        survivor.put("takeover_seconds", takeover);
        result.set("survivor", survivor);
        result.put("load_average_end", loadAverage());
        Files.writeString(out.resolve("scaleout.json"), JSON.writeValueAsString(result));
        System.out.println(JSON.writeValueAsString(result));
        watch.stop();
        System.exit(0); // the embedded broker's threads would keep the JVM alive; the shutdown hook stops everything
    }

    /** Coverage, CPU and RSS per instance over a window. */
    static ObjectNode measure(String phase, Map<String, Instance> instances, Map<String, String> owners, int seconds,
                              MetricsWatch watch, int perTarget) throws Exception {
        progress(phase + ": measuring for " + seconds + " s");
        Map<String, Double> cpu0 = new HashMap<>();
        instances.forEach((n, i) -> cpu0.put(n, cpuSeconds(i.process)));
        double serverCpu0 = serverCpuSeconds();
        long sessions0 = collectorSessions();
        Map<String, Long> rssMax = new HashMap<>();
        List<Double> loads = new ArrayList<>();
        Instant from = Instant.now();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            instances.forEach((n, i) -> rssMax.merge(n, rssKb(i.process), Math::max));
            loads.add(loadAverage());
            Thread.sleep(5_000);
        }
        Instant to = Instant.now();
        ObjectNode r = JSON.createObjectNode();
        r.put("load_average_median", median(loads));
        // the server's side: CPU of the postmaster and every backend (live and exited), and new sessions to so_* databases
        double elapsed = Duration.between(from, to).toMillis() / 1000.0;
        ObjectNode server = r.putObject("postgresql");
        server.put("cpu_cores_avg", (serverCpuSeconds() - serverCpu0) / elapsed);
        server.put("sessions_per_second", (collectorSessions() - sessions0) / elapsed);
        progress(String.format("%s postgresql: %.2f cores, %.1f new sessions/s to the so_* databases", phase,
                server.get("cpu_cores_avg").asDouble(), server.get("sessions_per_second").asDouble()));
        for (Map.Entry<String, Instance> e : instances.entrySet()) {
            String name = e.getKey();
            Set<String> own = new TreeSet<>();
            owners.forEach((t, o) -> {
                if (o.equals(name)) {
                    own.add(t);
                }
            });
            int expected = own.size() * perTarget;
            int covered = watch.covered(own, from, to, COVERED_GAP);
            ObjectNode n = r.putObject(name);
            n.put("targets_owned", own.size());
            n.put("databases_owned", expected);
            n.put("databases_covered", covered);
            n.put("coverage_percent", expected == 0 ? 0 : 100.0 * covered / expected);
            n.put("cpu_cores_avg", (cpuSeconds(e.getValue().process) - cpu0.get(name)) / seconds);
            n.put("rss_max_mib", rssMax.getOrDefault(name, 0L) / 1024.0);
            progress(String.format("%s %s: %d targets, %d/%d databases covered, %.2f cores, %.0f MiB", phase, name,
                    own.size(), covered, expected, n.get("cpu_cores_avg").asDouble(), n.get("rss_max_mib").asDouble()));
        }
        return r;
    }

    static Map<String, String> awaitOwners(Instance at, int targets, Set<String> expectedOwners, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> owners = Map.of();
        while (System.nanoTime() < deadline) {
            owners = new TreeMap<>();
            try {
                HttpResponse<String> r = at.send("GET", "/api/targets", VIEWER_KEY, null);
                for (JsonNode t : JSON.readTree(r.body())) {
                    if (t.hasNonNull("owner")) {
                        owners.put(t.get("id").asText(), t.get("owner").asText());
                    }
                }
            } catch (IOException notNow) {
                // retry
            }
            if (owners.size() == targets && Set.copyOf(owners.values()).equals(expectedOwners)) {
                return owners;
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("owners not as expected " + expectedOwners + " within " + timeout + ": " + owners);
    }

    /** Reads every snapshot on the metrics topic and remembers when each target's database had table statistics. */
    static final class MetricsWatch {
        private final KafkaConsumer<String, String> consumer;
        /** target -> database -> times table statistics of it were published. */
        private final Map<String, Map<String, List<Instant>>> seen = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private Thread thread;

        MetricsWatch(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.GROUP_ID_CONFIG, "scaleout-bench", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024,
                    ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 128 * 1024 * 1024));
        }

        void start() {
            consumer.subscribe(List.of("autopilot.metrics.v1"));
            thread = new Thread(this::run, "metrics-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        JsonNode s = JSON.readTree(r.value());
                        Instant at = Instant.parse(s.path("collected_at").asText());
                        Set<String> dbs = new TreeSet<>();
                        for (JsonNode p : s.path("points")) {
                            if (p.path("name").asText().startsWith("pg_stat_user_tables_")) {
                                String db = p.path("labels").path("datname").asText("");
                                if (!db.isEmpty()) {
                                    dbs.add(db);
                                }
                            }
                        }
                        Map<String, List<Instant>> byDb = seen.computeIfAbsent(r.key(), k -> new ConcurrentHashMap<>());
                        dbs.forEach(db -> byDb.computeIfAbsent(db, k -> Collections.synchronizedList(new ArrayList<>())).add(at));
                    } catch (IOException | RuntimeException e) {
                        progress("warning: unreadable snapshot: " + e.getMessage());
                    }
                }
            }
            consumer.close();
        }

        /** Databases of these targets whose table statistics never went longer than maxGap without arriving in [from, to]. */
        int covered(Set<String> targets, Instant from, Instant to, Duration maxGap) {
            int covered = 0;
            for (String t : targets) {
                for (List<Instant> times : seen.getOrDefault(t, Map.of()).values()) {
                    List<Instant> in;
                    synchronized (times) {
                        in = times.stream().filter(i -> !i.isBefore(from.minus(maxGap)) && !i.isAfter(to)).sorted().toList();
                    }
                    if (in.isEmpty()) {
                        continue;
                    }
                    Instant previous = from;
                    boolean ok = true;
                    for (Instant i : in) {
                        if (i.isAfter(from) && Duration.between(previous, i).compareTo(maxGap) > 0) {
                            ok = false;
                        }
                        previous = i.isAfter(previous) ? i : previous;
                    }
                    if (Duration.between(previous, to).compareTo(maxGap) > 0) {
                        ok = false;
                    }
                    if (ok) {
                        covered++;
                    }
                }
            }
            return covered;
        }

        void stop() {
            running = false;
        }
    }

    /** One performance-service process. */
    record Instance(String name, int port, Process process) {

        static Instance start(String name) throws IOException {
            String dir = System.getenv("SERVICE_APP_DIR");
            Path jar = dir != null ? Path.of(dir, "quarkus-run.jar")
                    : root.resolve("performance-service/target/quarkus-app/quarkus-run.jar");
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            // the service's JVM options: SERVICE_JVM_OPTS, by default those of its image (docs/deployment.md)
            cmd.addAll(List.of(System.getenv().getOrDefault("SERVICE_JVM_OPTS",
                    "-XX:+UseSerialGC -Xms64m -Xmx640m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:ReservedCodeCacheSize=64m").trim().split("\\s+")));
            cmd.addAll(List.of(
                    "-Dquarkus.http.port=" + port,
                    "-Dautopilot.fleet.instance-id=" + name,
                    "-Dautopilot.api.viewer-keys=bench-viewer:" + VIEWER_KEY,
                    "-Dautopilot.api.operator-keys=bench-operator:" + OPERATOR_KEY,
                    "-jar", jar.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(root.resolve("bench/logs/scaleout-" + name + ".log").toFile());
            pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            pb.environment().put("AUTOPILOT_STATE_URL", pg.uri("autopilot"));
            pb.environment().put("AUTOPILOT_STATE_USERNAME", pg.user());
            pb.environment().put("AUTOPILOT_STATE_PASSWORD", pg.password());
            pb.environment().put("BENCH_TARGET_PASSWORD", pg.password());
            progress("starting " + name + " on port " + port + " (log bench/logs/scaleout-" + name + ".log)");
            Process p = pb.start();
            children.add(p);
            return new Instance(name, port, p);
        }

        void awaitUp() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited; see bench/logs/scaleout-" + name + ".log");
                }
                try {
                    if (send("GET", "/q/health/ready", null, null).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // starting
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException(name + " not ready within 180 s");
        }

        HttpResponse<String> send(String method, String path, String key, String body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (key != null) {
                b.header("X-API-Key", key);
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    static void cleanup() {
        children.forEach(p -> {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        try {
            if (pg != null) {
                pg.close();
            }
        } catch (Exception ignored) {
            // the cluster's watchdog removes it
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static double cpuSeconds(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** CPU seconds of the PostgreSQL cluster: the postmaster, its exited children (reaped) and its live children. */
    static double serverCpuSeconds() {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).trim());
            long ticks = 0;
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : (Iterable<Path>) procs::iterator) {
                    String name = proc.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String stat = Files.readString(proc.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long pid = Long.parseLong(name);
                        if (pid == postmaster) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                        } else if (Long.parseLong(f[1]) == postmaster) {
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException e) {
                        // exited meanwhile: counted in the postmaster's children time once reaped
                    }
                }
            }
            return ticks / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Sessions established so far to the benchmark's databases (pg_stat_database.sessions: client backends only). */
    static long collectorSessions() {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT coalesce(sum(sessions), 0) FROM pg_stat_database WHERE datname LIKE 'so\\_t%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    static long rssKb(Process p) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void progress(String msg) {
        System.out.println("[scaleout " + java.time.LocalTime.now().withNano(0) + "] " + msg);
        System.out.flush();
    }
}
