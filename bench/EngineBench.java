import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.ThrowawayRedis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Engine benchmarks (issues 15 and 16): one collection cycle of a server by performance-service vs one scrape of the
 * engine's Prometheus exporter (Debian's prometheus-redis-exporter, prometheus-mysqld-exporter), on the same throwaway
 * server in the same run. The two never run at the same time: first the exporter alone (scraped every
 * {@code --interval}), then the service's target alone (registered through the API, collected at the same interval,
 * its host family off: the exporters read no host metrics), so the server-side deltas (statements or commands the
 * server counted, the server's CPU) belong to one client. Client CPU: the exporter's process, and the service's
 * process minus its own idle CPU measured over the exporter window (the service runs then, without a target), and the
 * collector's own CPU ({@code autopilot_collect_cpu_seconds_total}: building and serializing the points); the
 * service's window starts after {@code --warmup-cycles} cycles (the JIT compiles the new code paths first). Wall time:
 * the exporter's HTTP scrape, the service snapshot's {@code collection_duration_ms}.
 *
 * <pre>
 * java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/EngineBench.java \
 *      --engine redis|mariadb [--app performance-service/target/quarkus-app] [--rounds 12] [--interval 5]
 *      [--keys 100000] [--tables 500] [--warmup-cycles 24] [--exporter PATH] [--out bench/results-ENGINE]
 * </pre>
 */
public final class EngineBench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final List<Process> children = new ArrayList<>();
    static EmbeddedKafka kafka;
    static ThrowawayPostgres pg;
    static Server server;
    static Path out;

    /** What differs per engine: the server and its data, the exporter, the server-side counters, the target. */
    interface Server extends AutoCloseable {
        /** The engine's wire name (the target's {@code engine}). */
        String engine();

        /** The server's version line. */
        String version();

        /** The exporter's command line (no secret on it) and environment (the secret). */
        List<String> exporterCommand(String exporter, int port);

        Map<String, String> exporterEnvironment();

        /** A line of the exporter's output that says it reached the server. */
        String exporterUp();

        /** The prefix of the exporter's series names. */
        String seriesPrefix();

        /** {statements or commands the server counted, server CPU seconds}; the read itself counts once. */
        double[] counters();

        /** The target's URL (the password comes from the credentials file). */
        String url();

        String password();

        /** The user the service connects as, or null (Redis: the default user). */
        default String username() {
            return null;
        }

        /** Family intervals of the target so that every family runs every cycle, as every collector runs per scrape. */
        Map<String, String> familyIntervals(int intervalSeconds);
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        String app = "performance-service/target/quarkus-app";
        String engine = null;
        String exporter = null;
        int tables = 500;
        int rounds = 12;
        int interval = 5;
        int keys = 100_000;
        int warmupCycles = 24;
        String outDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engine" -> engine = args[++i];
                case "--tables" -> tables = Integer.parseInt(args[++i]);
                case "--app" -> app = args[++i];
                case "--exporter" -> exporter = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--warmup-cycles" -> warmupCycles = Integer.parseInt(args[++i]);
                case "--out" -> outDir = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!"redis".equals(engine) && !"mariadb".equals(engine)) {
            throw new IllegalArgumentException("--engine redis|mariadb is required");
        }
        if (exporter == null) {
            exporter = "redis".equals(engine) ? "/usr/bin/prometheus-redis-exporter" : "/usr/bin/prometheus-mysqld-exporter";
        }
        out = root.resolve(outDir != null ? outDir : "bench/results-" + engine);
        Files.createDirectories(out);
        Runtime.getRuntime().addShutdownHook(new Thread(EngineBench::cleanup));
        ObjectNode result = JSON.createObjectNode();
        result.put("started", LocalDateTime.now().toString());
        result.put("load_average_at_start", loadAverage());
        result.put("rounds", rounds);
        result.put("interval_s", interval);
        result.put("engine", engine);

        progress("starting Kafka, PostgreSQL (state) and the " + engine + " server");
        kafka = EmbeddedKafka.launch();
        pg = ThrowawayPostgres.launch(PostgresBinaries.locate());
        pg.createDatabase("autopilot");
        server = "redis".equals(engine) ? Redis.launch(keys, result) : MariaDb.launch(tables, result);
        result.put("server_version", server.version());

        int perfPort = freePort();
        Process svc = startService(root.resolve(app), perfPort);
        int expPort = freePort();
        List<String> exporterCommand = server.exporterCommand(exporter, expPort);
        ProcessBuilder eb = new ProcessBuilder(exporterCommand).redirectErrorStream(true)
                .redirectOutput(out.resolve("exporter.log").toFile());
        eb.environment().putAll(server.exporterEnvironment());
        Process exp = eb.start();
        children.add(exp);
        result.put("exporter", version(exporter));
        result.put("exporter_command", String.join(" ", exporterCommand));
        String metricsUrl = "http://127.0.0.1:" + expPort + "/metrics";
        waitFor(() -> get(metricsUrl).contains(server.exporterUp()), "the exporter to reach the server");

        // --- the exporter alone (the service runs without a target: its idle CPU is the baseline) ---
        progress("exporter alone: " + rounds + " scrapes, one every " + interval + " s");
        get(metricsUrl); // warm-up scrape
        Thread.sleep(interval * 1000L);
        double[] s0 = server.counters();
        double e0 = cpuSeconds(exp.pid());
        double v0 = cpuSeconds(svc.pid());
        long t0 = System.nanoTime();
        List<Double> scrapes = new ArrayList<>();
        String body = "";
        for (int i = 0; i < rounds; i++) {
            long a = System.nanoTime();
            body = get(metricsUrl);
            scrapes.add((System.nanoTime() - a) / 1e6);
            Thread.sleep(interval * 1000L);
        }
        double[] s1 = server.counters();
        double window = (System.nanoTime() - t0) / 1e9;
        double svcIdlePerSecond = (cpuSeconds(svc.pid()) - v0) / window;
        ObjectNode e = result.putObject("exporter_per_scrape");
        e.put("wall_ms_median", median(scrapes));
        e.put("wall_ms_max", scrapes.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        e.put("client_cpu_ms", (cpuSeconds(exp.pid()) - e0) * 1000 / rounds);
        e.put("server_commands", (s1[0] - s0[0] - 1) / rounds); // minus the bench's own read
        e.put("server_cpu_ms", (s1[1] - s0[1]) * 1000 / rounds);
        e.put("series", body.lines().filter(l -> l.startsWith(server.seriesPrefix())).count());
        exp.destroy();
        exp.waitFor(10, TimeUnit.SECONDS);

        // --- the service's Redis target alone ---
        // outside the results directory (committed with the results): owner-only, removed when the bench exits
        Path password = Files.createTempFile("server-password", ".txt");
        password.toFile().deleteOnExit();
        Files.writeString(password, server.password() + "\n");
        String base = "http://127.0.0.1:" + perfPort;
        ObjectNode t = JSON.createObjectNode();
        t.put("id", "bench").put("engine", server.engine()).put("url", server.url())
                .put("credentials_ref", "file:" + password);
        if (server.username() != null) {
            t.put("username", server.username());
        }
        ObjectNode collection = t.putObject("collection");
        collection.put("interval", interval + "s");
        collection.putArray("disabled_families").add("host");
        ObjectNode familyIntervals = collection.putObject("family_intervals");
        server.familyIntervals(interval).forEach(familyIntervals::put);
        String target = JSON.writeValueAsString(t);
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/targets"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(target)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("registering the target failed: " + created.statusCode() + " " + created.body());
        }
        progress("service alone: " + warmupCycles + " warm-up cycles, then " + rounds + " measured cycles");
        Instant last = awaitCycle(base, null);
        for (int i = 0; i < warmupCycles; i++) {
            last = awaitCycle(base, last);
        }
        Map<String, Double> meters0 = meters(base);
        double[] r0 = server.counters();
        double c0 = cpuSeconds(svc.pid());
        long u0 = System.nanoTime();
        List<Double> cycles = new ArrayList<>();
        Map<String, List<Double>> familyMs = new java.util.TreeMap<>();
        long points = 0;
        for (int i = 0; i < rounds; i++) {
            last = awaitCycle(base, last);
            JsonNode snap = JSON.readTree(get(base + "/api/targets/bench/snapshot"));
            cycles.add(snap.path("collection_duration_ms").asDouble(Double.NaN));
            points = snap.path("points").size();
            for (JsonNode f : snap.path("families")) {
                familyMs.computeIfAbsent(f.path("family").asText(), k -> new ArrayList<>()).add(f.path("duration_ms").asDouble());
            }
        }
        double[] r1 = server.counters();
        Map<String, Double> meters1 = meters(base);
        double serviceWindow = (System.nanoTime() - u0) / 1e9;
        ObjectNode o = result.putObject("ours_per_cycle");
        o.put("wall_ms_median", median(cycles));
        o.put("wall_ms_max", cycles.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        double svcCpu = cpuSeconds(svc.pid()) - c0;
        o.put("service_cpu_ms_whole_process", svcCpu * 1000 / rounds);
        o.put("service_cpu_ms_minus_idle", (svcCpu - svcIdlePerSecond * serviceWindow) * 1000 / rounds);
        o.put("server_commands", (r1[0] - r0[0] - 1) / rounds);
        o.put("server_cpu_ms", (r1[1] - r0[1]) * 1000 / rounds);
        o.put("points", points);
        ObjectNode fam = o.putObject("family_ms_median");
        familyMs.forEach((f, ms) -> fam.put(f, median(ms)));
        for (String phase : List.of("build", "serialize")) {
            String key = "autopilot_collect_cpu_seconds_total{phase=\"" + phase + "\"}";
            o.put("collector_" + phase + "_cpu_ms", (meters1.getOrDefault(key, Double.NaN)
                    - meters0.getOrDefault(key, Double.NaN)) * 1000 / rounds);
        }
        o.put("service_idle_cpu_ms_per_s", svcIdlePerSecond * 1000);

        ObjectNode ratio = result.putObject("ratio_ours_to_exporter");
        ratio.put("wall", o.get("wall_ms_median").asDouble() / e.get("wall_ms_median").asDouble());
        ratio.put("client_cpu_service_minus_idle", o.get("service_cpu_ms_minus_idle").asDouble()
                / e.get("client_cpu_ms").asDouble());
        ratio.put("client_cpu_collector", (o.get("collector_build_cpu_ms").asDouble()
                + o.get("collector_serialize_cpu_ms").asDouble()) / e.get("client_cpu_ms").asDouble());
        ratio.put("server_commands", o.get("server_commands").asDouble() / e.get("server_commands").asDouble());
        ratio.put("server_cpu", o.get("server_cpu_ms").asDouble() / Math.max(1e-9, e.get("server_cpu_ms").asDouble()));
        result.put("load_average_at_end", loadAverage());
        String json = JSON.writeValueAsString(result);
        Files.writeString(out.resolve(engine + "-bench.json"), json + "\n");
        System.out.println(json);
        System.exit(0);
    }

    /** The service's Prometheus meters (name with labels to value). */
    static Map<String, Double> meters(String base) throws Exception {
        Map<String, Double> out = new java.util.HashMap<>();
        for (String line : get(base + "/q/metrics").lines().toList()) {
            if (!line.startsWith("#") && line.startsWith("autopilot_collect_")) {
                int space = line.lastIndexOf(' ');
                try {
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException ignored) {
                    // not a sample
                }
            }
        }
        return out;
    }

    /** Waits for a snapshot of the target collected after {@code after}; returns its time. */
    static Instant awaitCycle(String base, Instant after) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/targets/bench/snapshot"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode snap = JSON.readTree(r.body());
                String at = snap.path("collected_at").asText(snap.path("collectedAt").asText());
                if (!at.isEmpty()) {
                    Instant t = Instant.parse(at);
                    if (after == null || t.isAfter(after)) {
                        return t;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no new snapshot of the target within 120 s");
    }

    static Process startService(Path app, int port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dautopilot.api.open=true", "-Dautopilot.fleet.assignment-timeout=0s",
                "-jar", app.resolve("quarkus-run.jar").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve("performance-service.log").toFile());
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        pb.environment().put("AUTOPILOT_STATE_URL", pg.uri("autopilot"));
        pb.environment().put("AUTOPILOT_STATE_USERNAME", pg.user());
        pb.environment().put("AUTOPILOT_STATE_PASSWORD", pg.password());
        progress("starting performance-service");
        Process p = pb.start();
        children.add(p);
        waitFor(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("performance-service exited: see " + out.resolve("performance-service.log"));
            }
            return status("http://127.0.0.1:" + port + "/q/health/ready") == 200;
        }, "performance-service to be ready");
        return p;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (IOException ignored) {
                // not answering yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("timed out waiting for " + what);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(500)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** CPU seconds (user + system) of a process, from /proc/PID/stat. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (100 Hz)
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    static String version(String exporter) {
        try {
            Process p = new ProcessBuilder(exporter, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("?");
            p.waitFor();
            return v.strip();
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void progress(String s) {
        System.err.println("[engine-bench " + LocalDateTime.now().toLocalTime().withNano(0) + "] " + s);
    }

    static void cleanup() {
        for (Process p : children) {
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {server, pg, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** A throwaway redis-server holding a realistic cache: keys in four databases, a third with a TTL. */
    record Redis(ThrowawayRedis redis) implements Server {
        static Redis launch(int keys, ObjectNode result) {
            ThrowawayRedis redis = ThrowawayRedis.launch(RedisBinaries.locate());
            for (int db = 0; db < 4; db++) {
                int n = db == 0 ? keys : keys / 10;
                redis.cli("-n", String.valueOf(db), "EVAL", "for i=1,ARGV[1] do redis.call('SET','k:'..i,string.rep('v',64)) "
                        + "if i % 3 == 0 then redis.call('EXPIRE','k:'..i,86400) end end", "0", String.valueOf(n));
            }
            result.put("keys", keys + 3 * (keys / 10));
            return new Redis(redis);
        }

        public String engine() {
            return "redis";
        }

        public String version() {
            return redis.cli("INFO", "server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                    .orElse("?").strip();
        }

        public List<String> exporterCommand(String exporter, int port) {
            return List.of(exporter, "--redis.addr=redis://" + redis.host() + ":" + redis.port(),
                    "--web.listen-address=127.0.0.1:" + port);
        }

        public Map<String, String> exporterEnvironment() {
            return Map.of("REDIS_PASSWORD", redis.password());
        }

        public String exporterUp() {
            return "redis_up 1";
        }

        public String seriesPrefix() {
            return "redis_";
        }

        /** {total_commands_processed, used_cpu_sys + used_cpu_user}, read with one INFO. */
        public double[] counters() {
            double commands = 0;
            double cpu = 0;
            for (String line : redis.cli("INFO").lines().toList()) {
                if (line.startsWith("total_commands_processed:")) {
                    commands = Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
                } else if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    cpu += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return new double[] {commands, cpu};
        }

        public String url() {
            return "redis://" + redis.host() + ":" + redis.port() + "/0";
        }

        public String password() {
            return redis.password();
        }

        public Map<String, String> familyIntervals(int intervalSeconds) {
            return Map.of(); // the Redis families run every cycle already
        }

        public void close() {
            redis.close();
        }
    }

    /**
     * A throwaway MariaDB (performance_schema on, binary log on) with {@code --tables} InnoDB tables of 1,000 rows in
     * two schemas ({@code shop}, {@code shop2}: issue 15's "500 tables in 2 schemas") and a few hundred distinct
     * statement digests, so that the per-table and per-statement collectors of both sides have rows to read.
     */
    record MariaDb(ThrowawayMariaDb db) implements Server {
        static MariaDb launch(int tables, ObjectNode result) {
            ThrowawayMariaDb db = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "shop",
                    List.of("--log-bin=binlog", "--server-id=1"));
            db.execute("shop", "CREATE DATABASE shop2");
            for (String schema : List.of("shop", "shop2")) {
                List<String> ddl = new ArrayList<>();
                List<String> reads = new ArrayList<>();
                for (int i = 0; i < tables / 2; i++) {
                    ddl.add("CREATE TABLE t" + i + " (id int PRIMARY KEY, customer int, total decimal(10,2), KEY (customer))");
                    ddl.add("INSERT INTO t" + i + " SELECT seq, seq % 97, seq * 1.5 FROM seq_1_to_1000");
                    reads.add("SELECT count(*) FROM t" + i + " WHERE customer = " + (i % 97));
                    reads.add("SELECT sum(total) FROM t" + i + " WHERE id < " + (i + 10));
                }
                db.execute(schema, ddl.toArray(String[]::new));
                db.execute(schema, reads.toArray(String[]::new));
            }
            result.put("tables", 2 * (tables / 2));
            result.put("schemas", 2);
            return new MariaDb(db);
        }

        public String engine() {
            return "mariadb";
        }

        public String version() {
            return query("SELECT VERSION()");
        }

        /** mysqld_exporter with its default collectors plus {@code --collect.info_schema.tables} (issue 15's peer). */
        public List<String> exporterCommand(String exporter, int port) {
            return List.of(exporter, "--web.listen-address=127.0.0.1:" + port, "--collect.info_schema.tables",
                    "--collect.info_schema.tables.databases=*", "--config.my-cnf=/nonexistent.cnf");
        }

        public Map<String, String> exporterEnvironment() {
            return Map.of("DATA_SOURCE_NAME", db.user() + ":" + db.password() + "@(" + db.host() + ":" + db.port() + ")/");
        }

        public String exporterUp() {
            return "mysql_up 1";
        }

        public String seriesPrefix() {
            return "mysql_";
        }

        /** {Questions (statements clients sent), CPU seconds of mariadbd from /proc}. */
        public double[] counters() {
            try {
                String questions = query("SHOW GLOBAL STATUS LIKE 'Questions'");
                return new double[] {Double.parseDouble(questions.substring(questions.lastIndexOf('\t') + 1).strip()),
                        cpuSeconds(db.pid())};
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        public String url() {
            return "mariadb://" + db.host() + ":" + db.port() + "/shop";
        }

        public String username() {
            return db.user();
        }

        public String password() {
            return db.password();
        }

        /** Every MySQL family at the cycle's interval (some default to 30 s, 1 min, 5 min). */
        public Map<String, String> familyIntervals(int intervalSeconds) {
            Map<String, String> m = new java.util.TreeMap<>();
            for (String f : List.of("global_status", "global_variables", "processlist", "replication", "statements",
                    "binlog", "tables", "indexes")) {
                m.put(f, intervalSeconds + "s");
            }
            return m;
        }

        /** One statement through the {@code mariadb} client (the password in the environment). */
        String query(String sql) {
            try {
                ProcessBuilder pb = new ProcessBuilder("mariadb", "--no-defaults", "--protocol=TCP", "--host=" + db.host(),
                        "--port=" + db.port(), "--user=" + db.user(), "-N", "-B", "-e", sql).redirectErrorStream(true);
                pb.environment().put("MYSQL_PWD", db.password());
                Process q = pb.start();
                String text = new String(q.getInputStream().readAllBytes()).strip();
                if (q.waitFor() != 0) {
                    throw new IllegalStateException("mariadb -e '" + sql + "' failed: " + text);
                }
                return text;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public void close() {
            db.close();
        }
    }
}
