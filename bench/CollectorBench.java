import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Issue 3 benchmark: performance-service's collection cycle vs prometheus-postgres-exporter on the same throwaway
 * cluster, in the same run, plus the capacity of one instance on a 15 s tick. Run through bench/run.sh.
 *
 * <pre>
 * java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/CollectorBench.java \
 *      [--phase all|compare|capacity] [--tables-per-db 500] [--cycles 5] [--capacity 100,500,1000]
 *      [--capacity-seconds 240] [--exporter /usr/bin/prometheus-postgres-exporter] [--out bench/results]
 *      [--churn-percent 0] [--cache-max-age 1h] [--vacuum-before] [--warmup-cycles 1]
 * --churn-percent P: before each measured cycle, update one row in P % of the tables of each database (a write load
 *   that makes the collector re-read those tables' sizes); --cache-max-age: the service's relation-cache-max-age
 *   (0s turns the relation cache off, so every cycle reads every size and column statistic);
 * --vacuum-before: capacity phase, VACUUM ANALYZE every created database before the service starts (so autovacuum's
 *   first pass over freshly created databases does not fall into the measured window); every capacity run samples
 *   pg_stat_activity every 5 s into capacity-N-activity.json; --warmup-cycles N: compare phase, N discarded cycles
 *   (each followed by one scrape of every exporter) before the measured rounds (default 1).
 * </pre>
 */
public final class CollectorBench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String ROLE_PASSWORD = "bench";
    static final String OURS = "bench_autopilot";
    static final String EXP_DEFAULT = "bench_exporter";
    static final String EXP_AUTODISCOVER = "bench_exporter_ad";
    static final String EXP_QUERIES = "bench_exporter_q";
    static String exporterQueries; // optional queries.yaml for a third exporter variant (per-table stats)
    static final List<String> FAMILIES = List.of("activity", "locks", "replication", "host", "database", "wal",
            "tables", "table_sizes", "statements", "bgwriter", "archiver", "replication_slots", "wraparound", "wraparound_tables",
            "indexes", "bloat", "sequences", "settings", "security", "schema_security", "database_sizes");

    static final List<Process> children = new CopyOnWriteArrayList<>();
    static Path root = Path.of(".").toAbsolutePath().normalize();
    static Path out;
    static Path logs;
    static String exporterBin = "/usr/bin/prometheus-postgres-exporter";
    static EmbeddedKafka kafka;
    static ThrowawayPostgres pg;
    static int churnPercent = 0;
    static String cacheMaxAge = null;
    static boolean vacuumBefore = false; // capacity: VACUUM ANALYZE every created database before the measured window
    static int warmupCycles = 1; // compare: discarded cycles (and scrapes) before the measured rounds

    public static void main(String[] args) throws Exception {
        String phase = "all";
        int tablesPerDb = 500;
        int cycles = 5;
        List<Integer> capacity = List.of(100, 500, 1000);
        int capacitySeconds = 240;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--phase" -> phase = args[++i];
                case "--tables-per-db" -> tablesPerDb = Integer.parseInt(args[++i]);
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--churn-percent" -> churnPercent = Integer.parseInt(args[++i]);
                case "--cache-max-age" -> cacheMaxAge = args[++i];
                case "--vacuum-before" -> vacuumBefore = true;
                case "--warmup-cycles" -> warmupCycles = Integer.parseInt(args[++i]);
                case "--capacity" -> capacity = java.util.Arrays.stream(args[++i].split(","))
                        .map(String::trim).map(Integer::parseInt).toList();
                case "--capacity-seconds" -> capacitySeconds = Integer.parseInt(args[++i]);
                case "--exporter" -> exporterBin = args[++i];
                case "--exporter-queries" -> exporterQueries = args[++i];
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (out == null) {
            out = root.resolve("bench/results");
        }
        logs = root.resolve("bench/logs");
        Files.createDirectories(out);
        Files.createDirectories(logs);
        Runtime.getRuntime().addShutdownHook(new Thread(CollectorBench::cleanup, "bench-cleanup"));

        long t0 = System.nanoTime();
        progress("starting embedded Kafka");
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            kafka = EmbeddedKafka.launch();
        } finally {
            System.setOut(stdout);
        }
        createTopics(kafka.bootstrapServers());
        progress("starting a throwaway PostgreSQL cluster");
        pg = ThrowawayPostgres.launch(PostgresBinaries.locate());
        pg.execute("template1", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        pg.execute("postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        pg.createDatabase("autopilot"); // state database of performance-service (superuser)
        for (String role : List.of(OURS, EXP_DEFAULT, EXP_AUTODISCOVER, EXP_QUERIES)) {
            pg.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD '" + ROLE_PASSWORD + "'",
                    "GRANT pg_monitor TO " + role);
        }
        String pgVersion = query("postgres", "SELECT version()").get(0).get(0);
        progress("cluster up on " + pg.host() + ":" + pg.port() + " (" + pgVersion + ")");

        if (phase.equals("all") || phase.equals("compare")) {
            compare(tablesPerDb, cycles, pgVersion);
        }
        if (phase.equals("all") || phase.equals("capacity")) {
            capacity(capacity, capacitySeconds, pgVersion);
        }
        progress("done in " + (System.nanoTime() - t0) / 1_000_000_000 + " s; results in " + out);
        System.exit(0);
    }

    // ------------------------------------------------------------------ phase 1: collector vs exporter

    static void compare(int tablesPerDb, int cycles, String pgVersion) throws Exception {
        ObjectNode result = JSON.createObjectNode();
        result.put("postgres_version", pgVersion);
        result.put("tables_per_database", tablesPerDb);
        result.put("churn_percent", churnPercent);
        result.put("relation_cache_max_age", cacheMaxAge == null ? "default (1h)" : cacheMaxAge);
        long t0 = System.nanoTime();
        for (String db : List.of("bench_a", "bench_b")) {
            progress("creating " + db + " with " + tablesPerDb + " tables (PK + 1 index, 300 rows each)");
            pg.createDatabase(db);
            try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                for (int i = 1; i <= tablesPerDb; i++) {
                    String t = String.format("t%04d", i);
                    st.addBatch("CREATE TABLE " + t + " (id int PRIMARY KEY, k int NOT NULL, v text)");
                    st.addBatch("CREATE INDEX " + t + "_k ON " + t + " (k)");
                    st.addBatch("INSERT INTO " + t + " SELECT g, g % 37, md5(g::text) FROM generate_series(1, 300) g");
                    if (i % 50 == 0) {
                        st.executeBatch();
                    }
                }
                st.executeBatch();
                c.commit();
                c.setAutoCommit(true);
                st.execute("ANALYZE");
            }
        }
        result.put("setup_seconds", (System.nanoTime() - t0) / 1e9);

        int svcPort = freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("autopilot.targets.bench.cycle-budget", "60s");
        for (String f : FAMILIES) {
            props.put("autopilot.collection.family-intervals." + f, "1s");
        }
        if (cacheMaxAge != null) {
            props.put("autopilot.collection.relation-cache-max-age", cacheMaxAge);
        }
        Process svc = startService("compare", svcPort, "bench_a", props);
        List<Exp> exps = new ArrayList<>();
        exps.add(new Exp("exporter_default", EXP_DEFAULT, List.of()));
        exps.add(new Exp("exporter_autodiscover", EXP_AUTODISCOVER, List.of("--auto-discover-databases")));
        if (exporterQueries != null && Files.isRegularFile(Path.of(exporterQueries))) {
            exps.add(new Exp("exporter_queries_yaml", EXP_QUERIES,
                    List.of("--auto-discover-databases", "--extend.query-path=" + exporterQueries)));
        }
        for (Exp e : exps) {
            e.port = freePort();
            e.process = startExporter(e.name, e.port, e.role, e.flags);
        }
        for (Exp e : List.copyOf(exps)) {
            try {
                awaitHttp(e.name + " " + e.flags, "http://127.0.0.1:" + e.port + "/metrics", e.process, 60);
            } catch (IllegalStateException ex) {
                if (!e.name.equals("exporter_queries_yaml")) {
                    throw ex;
                }
                progress("warning: dropping " + e.name + ": " + ex.getMessage());
                result.put("exporter_queries_yaml_dropped", ex.getMessage());
                stop(e.process);
                exps.remove(e);
            }
        }
        awaitHttp("performance-service", "http://127.0.0.1:" + svcPort + "/q/health/ready", svc, 180);

        progress("waiting for the warm-up cycle (discarded) and warm-up scrapes");
        // Poll the small /api/targets/bench view (last_cycle_at, last_duration_ms, families); the full snapshot
        // (tens of thousands of points, MBs of JSON) is fetched once at the end, so our polling does not load the
        // service.
        String snapUrl = "http://127.0.0.1:" + svcPort + "/api/targets/bench/snapshot";
        String viewUrl = "http://127.0.0.1:" + svcPort + "/api/targets/bench";
        JsonNode warm = nextCycle(viewUrl, null, 120);
        for (Exp e : exps) {
            scrape(e.port);
        }
        for (int i = 2; i <= warmupCycles; i++) {
            // further discarded cycles and scrapes: the service's JIT compilers mostly done before the measured rounds
            warm = nextCycle(viewUrl, warm.path("last_cycle_at").asText(), 120);
            for (Exp e : exps) {
                scrape(e.port);
            }
            progress("warm-up cycle " + i + "/" + warmupCycles + ": ours " + warm.path("last_duration_ms").asLong() + " ms");
        }
        result.put("warmup_cycles", warmupCycles);
        resetStatements();
        double svcCpu0 = cpuSeconds(svc);
        for (Exp e : exps) {
            e.cpu0 = cpuSeconds(e.process);
        }
        String metricsUrl = "http://127.0.0.1:" + svcPort + "/q/metrics";
        Map<String, Double> meters0 = serviceMeters(metricsUrl);
        Map<String, Double> threads0 = cpuByThreadGroup(svc);

        List<Long> ours = new ArrayList<>();
        Map<String, List<Long>> familyMs = new TreeMap<>();
        ArrayNode rounds = JSON.createArrayNode();
        JsonNode last = warm;
        java.util.Random random = new java.util.Random(42);
        for (int i = 1; i <= cycles; i++) {
            int touched = churn(tablesPerDb, random);
            last = nextCycle(viewUrl, last.path("last_cycle_at").asText(), 120);
            long ms = last.path("last_duration_ms").asLong();
            ours.add(ms);
            Map<String, Long> perFamily = new TreeMap<>();
            for (JsonNode f : last.path("families")) {
                perFamily.merge(f.path("family").asText(), f.path("duration_ms").asLong(), Long::sum);
            }
            perFamily.forEach((k, v) -> familyMs.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            StringBuilder line = new StringBuilder();
            ObjectNode r = rounds.addObject();
            r.put("cycle", i);
            r.put("tables_updated_before_cycle", touched);
            r.put("ours_collection_duration_ms", ms);
            r.put("load_average", loadAverage());
            for (Exp e : exps) {
                Scrape sc = scrape(e.port);
                e.times.add(sc.seconds);
                e.lastBody = sc.body;
                r.put(e.name + "_scrape_s", sc.seconds);
                line.append(String.format(", %s %.0f ms", e.name, sc.seconds * 1000));
            }
            Instant nextTick = Instant.parse(last.path("last_cycle_at").asText()).plusSeconds(15);
            boolean overlap = Instant.now().isAfter(nextTick);
            r.put("scrapes_overlapped_next_cycle", overlap);
            progress(String.format("round %d/%d: ours %d ms%s%s", i, cycles, ms, line,
                    overlap ? " (overlapped next cycle!)" : ""));
        }
        double svcCpu1 = cpuSeconds(svc);
        for (Exp e : exps) {
            e.cpu1 = cpuSeconds(e.process);
        }
        Map<String, Double> meters1 = serviceMeters(metricsUrl);
        Map<String, Double> threads1 = cpuByThreadGroup(svc);
        Map<String, double[]> pgss = statementsByRole();
        JsonNode snap = getJson(snapUrl);
        if (snap == null || !snap.path("collected_at").asText().equals(last.path("last_cycle_at").asText())) {
            progress("warning: the snapshot fetched at the end is not the last measured cycle's");
        }
        result.set("rounds", rounds);
        String topStatements = topStatements();
        String info = query("bench_a", "SELECT dealloc::text FROM pg_stat_statements_info").get(0).get(0);
        result.put("pg_stat_statements_dealloc", Long.parseLong(info));

        ObjectNode oursNode = result.putObject("ours");
        oursNode.put("median_cycle_ms", median(ours.stream().map(Long::doubleValue).toList()));
        oursNode.put("max_cycle_ms", Collections.max(ours));
        putStatements(oursNode, pgss.get(OURS), cycles);
        oursNode.put("process_cpu_s_per_cycle", (svcCpu1 - svcCpu0) / cycles);
        // thread CPU time the service measures itself (ThreadMXBean) around building points from rows and around
        // serializing each snapshot, over the measured rounds
        for (String phase : List.of("build", "serialize")) {
            String cpuKey = "autopilot_collect_cpu_seconds_total{phase=\"" + phase + "\"}";
            String ptsKey = "autopilot_collect_points_total{phase=\"" + phase + "\"}";
            double cpu = meters1.getOrDefault(cpuKey, Double.NaN) - meters0.getOrDefault(cpuKey, Double.NaN);
            double pts = meters1.getOrDefault(ptsKey, Double.NaN) - meters0.getOrDefault(ptsKey, Double.NaN);
            oursNode.put(phase + "_cpu_ms_per_cycle", cpu * 1000 / cycles);
            oursNode.put(phase + "_points_per_cycle", pts / cycles);
            oursNode.put(phase + "_cpu_us_per_point", cpu * 1e6 / pts);
        }
        oursNode.put("snapshot_json_bytes", meters1.getOrDefault(
                "autopilot_snapshot_bytes{encoding=\"json\",target=\"bench\"}", Double.NaN));
        oursNode.put("snapshot_compressed_bytes", meters1.getOrDefault(
                "autopilot_snapshot_bytes{encoding=\"compressed\",target=\"bench\"}", Double.NaN));
        oursNode.put("load_average_at_end", loadAverage());
        ObjectNode byThread = oursNode.putObject("process_cpu_ms_per_cycle_by_thread_group");
        threads1.forEach((group, cpu) -> {
            double ms = (cpu - threads0.getOrDefault(group, 0.0)) * 1000 / cycles;
            if (ms >= 1) {
                byThread.put(group, Math.round(ms));
            }
        });
        TreeMap<String, Integer> names = new TreeMap<>();
        for (JsonNode p : snap.path("points")) {
            names.merge(p.path("name").asText(), 1, Integer::sum);
        }
        oursNode.put("metric_names", names.size());
        oursNode.put("points", snap.path("points").size());
        oursNode.put("snapshot_collection_duration_ms", snap.path("collection_duration_ms").asLong());
        oursNode.put("metric_names_without_pg_settings", names.keySet().stream().filter(s -> !s.startsWith("pg_settings_")).count());
        oursNode.put("points_without_pg_settings", names.entrySet().stream().filter(e -> !e.getKey().startsWith("pg_settings_"))
                .mapToInt(Map.Entry::getValue).sum());
        oursNode.put("families_reported", last.path("families").size());
        ObjectNode famStatus = oursNode.putObject("family_status_last_cycle");
        for (JsonNode f : last.path("families")) {
            String key = f.path("family").asText() + (f.has("detail") && !f.path("detail").isNull()
                    ? " (" + f.path("detail").asText() + ")" : "");
            famStatus.put(key, f.path("status").asText());
        }
        oursNode.set("errors_last_cycle", snap.path("errors"));
        ObjectNode famMs = oursNode.putObject("family_median_ms");
        familyMs.entrySet().stream()
                .sorted((a, b) -> Double.compare(median(toD(b.getValue())), median(toD(a.getValue()))))
                .forEach(e -> famMs.put(e.getKey(), median(toD(e.getValue()))));

        for (Exp e : exps) {
            ObjectNode d = result.putObject(e.name);
            d.put("flags", String.join(" ", e.flags));
            describeExporter(d, e.times, pgss.get(e.role), cycles, (e.cpu1 - e.cpu0) / cycles, e.lastBody);
            ObjectNode ratios = result.putObject("ratios_ours_over_" + e.name);
            ratios.put("wall", oursNode.path("median_cycle_ms").asDouble() / d.path("median_scrape_ms").asDouble());
            ratios.put("server_exec_time", oursNode.path("server_exec_ms_per_cycle").asDouble()
                    / d.path("server_exec_ms_per_scrape").asDouble());
            ratios.put("statements", oursNode.path("statements_per_cycle").asDouble()
                    / d.path("statements_per_scrape").asDouble());
            ratios.put("process_cpu", oursNode.path("process_cpu_s_per_cycle").asDouble()
                    / d.path("process_cpu_s_per_scrape").asDouble());
        }

        Files.writeString(out.resolve("compare.json"), JSON.writeValueAsString(result));
        Files.writeString(out.resolve("compare-top-statements.txt"), topStatements);
        StringBuilder sb = new StringBuilder("# performance-service: metric name -> points in the last measured snapshot\n");
        names.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        Files.writeString(out.resolve("compare-ours-metric-names.txt"), sb.toString());
        for (Exp e : exps) {
            Files.writeString(out.resolve("compare-" + e.name.replace('_', '-') + "-metric-names.txt"),
                    exporterNames(e.lastBody));
        }
        progress("compare results: " + out.resolve("compare.json"));
        System.out.println(JSON.writeValueAsString(result.deepCopy().without(List.of("rounds"))));

        stop(svc);
        for (Exp e : exps) {
            stop(e.process);
        }
        pg.execute("postgres", "DROP DATABASE bench_a WITH (FORCE)", "DROP DATABASE bench_b WITH (FORCE)");
    }

    static void describeExporter(ObjectNode n, List<Double> scrapes, double[] stmts, int cycles, double cpu,
            String body) {
        n.put("median_scrape_ms", median(scrapes) * 1000);
        n.put("max_scrape_ms", Collections.max(scrapes) * 1000);
        putStatements(n, stmts, cycles);
        n.put("process_cpu_s_per_scrape", cpu);
        TreeMap<String, Integer> names = exporterSamples(body);
        n.put("metric_names", names.size());
        n.put("samples", names.values().stream().mapToInt(Integer::intValue).sum());
        n.put("metric_names_without_pg_settings", names.keySet().stream().filter(s -> !s.startsWith("pg_settings_")).count());
        n.put("samples_without_pg_settings", names.entrySet().stream().filter(e -> !e.getKey().startsWith("pg_settings_"))
                .mapToInt(Map.Entry::getValue).sum());
    }

    static void putStatements(ObjectNode n, double[] s, int cycles) {
        String suffix = n.has("median_cycle_ms") ? "cycle" : "scrape";
        if (s == null) {
            s = new double[] {0, 0, 0};
        }
        n.put("statements_per_" + suffix, s[0] / cycles);
        n.put("server_exec_ms_per_" + suffix, s[1] / cycles);
        n.put("distinct_statements", (long) s[2]);
    }

    /** Updates one row in churnPercent % of the tables of each database (as the superuser, not a measured role). */
    static int churn(int tablesPerDb, java.util.Random random) throws Exception {
        int n = tablesPerDb * churnPercent / 100;
        if (n == 0) {
            return 0;
        }
        for (String db : List.of("bench_a", "bench_b")) {
            try (Connection c = pg.connect(db); Statement st = c.createStatement()) {
                for (int k = 0; k < n; k++) {
                    st.addBatch(String.format("UPDATE t%04d SET v = md5(random()::text) WHERE id = %d",
                            1 + random.nextInt(tablesPerDb), 1 + random.nextInt(300)));
                }
                st.executeBatch();
            }
        }
        return 2 * n;
    }

    // ------------------------------------------------------------------ phase 2: capacity on a 15 s tick

    static void capacity(List<Integer> sizes, int seconds, String pgVersion) throws Exception {
        progress("capacity: preparing template database cap_tpl (5 tables, PK each, 100 rows)");
        pg.createDatabase("cap_tpl");
        StringBuilder ddl = new StringBuilder();
        List<String> stmts = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            stmts.add("CREATE TABLE c" + i + " (id int PRIMARY KEY, k int, v text)");
            stmts.add("INSERT INTO c" + i + " SELECT g, g % 7, md5(g::text) FROM generate_series(1, 100) g");
        }
        stmts.add("ANALYZE");
        pg.execute("cap_tpl", stmts.toArray(String[]::new));
        pg.execute("postgres", "ALTER DATABASE cap_tpl IS_TEMPLATE true");
        int created = 0;
        ArrayNode all = JSON.createArrayNode();
        for (int n : sizes) {
            long t0 = System.nanoTime();
            progress("capacity N=" + n + ": creating databases " + (created + 1) + ".." + n
                    + " (CREATE DATABASE ... TEMPLATE cap_tpl)");
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                for (int i = created + 1; i <= n; i++) {
                    st.execute(String.format("CREATE DATABASE cap_%04d TEMPLATE cap_tpl", i));
                }
            }
            double setup = (System.nanoTime() - t0) / 1e9;
            progress(String.format("capacity N=%d: %d databases created in %.1f s", n, n - created, setup));
            created = n;
            double vacuumSeconds = 0;
            if (vacuumBefore) {
                // a database created from a template has no statistics counters yet: autovacuum's first pass over
                // 1,000 of them (and each table's first analyze) would fall into the measured window otherwise
                long v0 = System.nanoTime();
                for (int i = 1; i <= n; i++) {
                    pg.execute(String.format("cap_%04d", i), "VACUUM ANALYZE");
                }
                vacuumSeconds = (System.nanoTime() - v0) / 1e9;
                progress(String.format("capacity N=%d: VACUUM ANALYZE of %d databases in %.1f s", n, n, vacuumSeconds));
            }
            ArrayNode activity = JSON.createArrayNode();
            long dealloc0 = pgssDealloc();

            int port = freePort();
            Process svc = startService("capacity-" + n, port, "postgres", Map.of());
            awaitHttp("performance-service", "http://127.0.0.1:" + port + "/q/health/ready", svc, 180);
            String viewUrl = "http://127.0.0.1:" + port + "/api/targets/bench"; // small: no points
            long rssMaxKb = 0;
            double cpuStart = cpuSeconds(svc);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            Map<String, JsonNode> cycles = new LinkedHashMap<>();
            long lastReport = 0;
            List<Double> loads = new ArrayList<>();
            while (System.nanoTime() < end) {
                rssMaxKb = Math.max(rssMaxKb, rssKb(svc));
                loads.add(loadAverage());
                JsonNode s = getJson(viewUrl);
                if (s != null && s.hasNonNull("last_cycle_at") && !cycles.containsKey(s.path("last_cycle_at").asText())) {
                    ObjectNode slim = JSON.createObjectNode();
                    slim.put("collected_at", s.path("last_cycle_at").asText());
                    slim.put("collection_duration_ms", s.path("last_duration_ms").asLong());
                    slim.put("databases", s.path("databases").size());
                    ObjectNode fams = slim.putObject("families");
                    for (JsonNode f : s.path("families")) {
                        String st = f.path("status").asText();
                        // a per-database outcome (skipped, failed there) is keyed family@database
                        String key = f.path("family").asText()
                                + (f.hasNonNull("database") ? "@" + f.path("database").asText() : "");
                        String val = st + " " + f.path("duration_ms").asLong() + "ms"
                                + (f.hasNonNull("detail") ? " (" + f.path("detail").asText() + ")" : "");
                        fams.put(fams.has(key) ? key + "#" + fams.size() : key, val);
                    }
                    cycles.put(s.path("last_cycle_at").asText(), slim);
                    progress(String.format("capacity N=%d: cycle %s took %d ms, rss %d MiB", n,
                            s.path("last_cycle_at").asText(), s.path("last_duration_ms").asLong(), rssMaxKb / 1024));
                }
                activity.add(sampleActivity());
                Thread.sleep(5000);
            }
            double cpu = cpuSeconds(svc) - cpuStart;
            JsonNode targets = getJson("http://127.0.0.1:" + port + "/api/targets");
            rssMaxKb = Math.max(rssMaxKb, rssKb(svc));
            stop(svc);

            ObjectNode r = all.addObject();
            r.put("databases", n);
            r.put("setup_seconds_for_new_databases", setup);
            r.put("window_seconds", seconds);
            List<Double> d = cycles.values().stream().map(c -> c.path("collection_duration_ms").asDouble()).toList();
            r.put("cycles_seen", d.size());
            r.put("median_cycle_ms", d.isEmpty() ? -1 : median(d));
            r.put("max_cycle_ms", d.isEmpty() ? -1 : Collections.max(d));
            List<Double> heavy = cycles.values().stream().filter(c -> c.path("families").has("tables"))
                    .map(c -> c.path("collection_duration_ms").asDouble()).toList();
            r.put("cycles_with_per_database_families", heavy.size());
            r.put("median_cycle_ms_with_per_database_families", heavy.isEmpty() ? -1 : median(heavy));
            r.put("max_cycle_ms_with_per_database_families", heavy.isEmpty() ? -1 : Collections.max(heavy));
            r.put("rss_max_mib", rssMaxKb / 1024.0);
            r.put("service_cpu_cores_avg", cpu / seconds);
            r.put("vacuum_analyze_before_seconds", vacuumSeconds);
            r.put("pg_stat_statements_dealloc_in_window", pgssDealloc() - dealloc0);
            r.put("load_average_median", median(loads));
            r.put("load_average_max", loads.isEmpty() ? Double.NaN : Collections.max(loads).doubleValue());
            TreeMap<String, Integer> skipped = new TreeMap<>();
            TreeMap<String, Integer> failed = new TreeMap<>();
            TreeMap<String, Integer> databaseSkips = new TreeMap<>(); // family -> (cycle, database) pairs skipped
            for (JsonNode c : cycles.values()) {
                c.path("families").fields().forEachRemaining(e -> {
                    String v = e.getValue().asText();
                    if (e.getKey().contains("@")) {
                        databaseSkips.merge(e.getKey().substring(0, e.getKey().indexOf('@')) + " " + v.split(" ")[0],
                                1, Integer::sum);
                        return;
                    }
                    String fam = e.getKey().replaceAll("#\\d+$", "");
                    // a family cut short by the budget in some databases reports status "ran" with a detail
                    // "N database(s) skipped [...]: cycle budget of ... spent"
                    if (v.startsWith("skipped") || v.contains("database(s) skipped")) {
                        skipped.merge(fam + ": " + v.replaceAll("^(skipped|ran) \\d+ms ?", "").replaceAll("\\[[^]]*\\]…?", "[…]").replaceAll("\\d+ database\\(s\\)", "N database(s)"), 1, Integer::sum);
                    } else if (v.startsWith("failed")) {
                        failed.merge(fam + ": " + v.replaceAll("^failed \\d+ms ?", ""), 1, Integer::sum);
                    }
                });
            }
            r.set("skipped", JSON.valueToTree(skipped));
            r.set("per_database_not_run_in_observed_cycles", JSON.valueToTree(databaseSkips));
            r.set("failed", JSON.valueToTree(failed));
            r.set("targets_api_at_end", targets);
            ArrayNode cs = r.putArray("cycles");
            cycles.values().forEach(cs::add);
            Files.writeString(out.resolve("capacity-" + n + ".json"), JSON.writeValueAsString(r));
            Files.writeString(out.resolve("capacity-" + n + "-activity.json"), JSON.writeValueAsString(activity));
            ObjectNode brief = r.deepCopy();
            brief.remove(List.of("cycles", "targets_api_at_end"));
            System.out.println(JSON.writeValueAsString(brief));
        }
        ArrayNode summary = JSON.createArrayNode();
        for (JsonNode r : all) {
            summary.add(((ObjectNode) r.deepCopy()).without(List.of("cycles", "targets_api_at_end")));
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("postgres_version", pgVersion);
        s.set("runs", summary);
        Files.writeString(out.resolve("capacity.json"), JSON.writeValueAsString(s));
    }

    /** pg_stat_statements' deallocation count (entries evicted because the table was full), or -1. */
    static long pgssDealloc() {
        try {
            return Long.parseLong(query("postgres", "SELECT dealloc::text FROM pg_stat_statements_info").get(0).get(0));
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * One sample of what the cluster's backends do (pg_stat_activity grouped by backend type, state and wait event),
     * the autovacuum workers' databases and pg_stat_statements' fill, with the load average: where a slow cycle
     * waits.
     */
    static ObjectNode sampleActivity() {
        ObjectNode s = JSON.createObjectNode();
        s.put("at", Instant.now().toString().substring(11, 19));
        s.put("load_average", loadAverage());
        try {
            ObjectNode groups = s.putObject("backends");
            for (List<String> row : query("postgres", "SELECT coalesce(backend_type, '?') || ' ' || coalesce(state, '-') "
                    + "|| ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') || CASE WHEN usename = '" + OURS
                    + "' THEN ' (ours)' ELSE '' END, count(*)::text FROM pg_stat_activity "
                    + "WHERE pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1")) {
                groups.put(row.get(0), Integer.parseInt(row.get(1)));
            }
            List<List<String>> av = query("postgres", "SELECT coalesce(string_agg(datname || ': ' || left(query, 60), '; '), '') "
                    + "FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
            s.put("autovacuum", av.get(0).get(0));
            List<List<String>> pgss = query("postgres", "SELECT count(*)::text, (SELECT dealloc::text FROM "
                    + "pg_stat_statements_info) FROM pg_stat_statements");
            s.put("pg_stat_statements_entries", Long.parseLong(pgss.get(0).get(0)));
            s.put("pg_stat_statements_dealloc", Long.parseLong(pgss.get(0).get(1)));
        } catch (Exception e) {
            s.put("error", e.getMessage());
        }
        return s;
    }

    // ------------------------------------------------------------------ processes

    /** The service's JVM options: {@code SERVICE_JVM_OPTS} (space-separated), by default the documented ones. */
    static List<String> serviceJvmOptions() {
        String opts = System.getenv().getOrDefault("SERVICE_JVM_OPTS", DOCUMENTED_JVM_OPTS);
        progress("service JVM options: " + opts);
        return List.of(opts.trim().split("\\s+"));
    }

    /** The JVM options docs/deployment.md documents for performance-service (its image sets them in JAVA_OPTS). */
    static final String DOCUMENTED_JVM_OPTS = "-XX:+UseSerialGC -Xms64m -Xmx640m -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:ReservedCodeCacheSize=64m";

    static Process startService(String name, int port, String db, Map<String, String> extra) throws IOException {
        String dir = System.getenv("SERVICE_APP_DIR"); // a copy of target/quarkus-app, so rebuilding cannot disturb a run
        Path jar = dir != null ? Path.of(dir, "quarkus-run.jar")
                : root.resolve("performance-service/target/quarkus-app/quarkus-run.jar");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(serviceJvmOptions());
        cmd.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dautopilot.targets.bench.url=" + pg.uri(db),
                "-Dautopilot.targets.bench.username=" + OURS,
                "-Dautopilot.targets.bench.password=" + ROLE_PASSWORD,
                "-Dautopilot.targets.bench.interval=15s"));
        extra.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve("performance-service-" + name + ".log").toFile());
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        pb.environment().put("AUTOPILOT_STATE_URL", pg.uri("autopilot"));
        pb.environment().put("AUTOPILOT_STATE_USERNAME", pg.user());
        pb.environment().put("AUTOPILOT_STATE_PASSWORD", pg.password());
        progress("starting performance-service (" + name + ", port " + port + ", log bench/logs/performance-service-"
                + name + ".log)");
        Process p = pb.start();
        children.add(p);
        return p;
    }

    static Process startExporter(String name, int port, String role, List<String> flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(exporterBin, "--web.listen-address=127.0.0.1:" + port));
        cmd.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().put("DATA_SOURCE_NAME", "postgresql://" + role + ":" + ROLE_PASSWORD + "@" + pg.host() + ":"
                + pg.port() + "/bench_a?sslmode=disable");
        progress("starting " + name + " " + String.join(" ", flags) + " (port " + port + ")");
        Process p = pb.start();
        children.add(p);
        return p;
    }

    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.remove(p);
    }

    static void cleanup() {
        for (Process p : children) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                System.err.println("stopping Kafka: " + e.getMessage());
            }
        }
        if (pg != null) {
            pg.close();
        }
    }

    static double cpuSeconds(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, CLK_TCK = 100
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The service's own meters from /q/metrics (Prometheus text), name{labels} -> value, autopilot_* only. */
    static Map<String, Double> serviceMeters(String url) {
        Map<String, Double> m = new TreeMap<>();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("autopilot_collect_") || line.startsWith("autopilot_snapshot_")) {
                    int cut = line.lastIndexOf(' ');
                    m.put(line.substring(0, cut), Double.parseDouble(line.substring(cut + 1)));
                }
            }
        } catch (IOException | RuntimeException e) {
            progress("warning: cannot read " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return m;
    }

    /** CPU seconds of the process's threads so far, grouped by thread name without its number (/proc/PID/task). */
    static Map<String, Double> cpuByThreadGroup(Process p) {
        Map<String, Double> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[-#]?\\d+$", "").replaceAll("\\d+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    groups.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return groups;
    }

    /** The 1-minute load average. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
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

    // ------------------------------------------------------------------ HTTP

    /** One exporter variant running next to our service. */
    static final class Exp {
        final String name;
        final String role;
        final List<String> flags;
        final List<Double> times = new ArrayList<>();
        int port;
        Process process;
        double cpu0;
        double cpu1;
        String lastBody = "";

        Exp(String name, String role, List<String> flags) {
            this.name = name;
            this.role = role;
            this.flags = flags;
        }
    }

    record Scrape(double seconds, String body) {
    }

    /** One exporter scrape, timed like curl's time_total: request sent until the whole body is read. */
    static Scrape scrape(int port) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(60)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        double s = (System.nanoTime() - t0) / 1e9;
        if (r.statusCode() != 200) {
            throw new IllegalStateException("exporter on " + port + " answered " + r.statusCode());
        }
        return new Scrape(s, r.body());
    }

    static JsonNode getJson(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static JsonNode nextCycle(String url, String after, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode s = getJson(url);
            if (s != null && s.hasNonNull("last_cycle_at") && !s.path("last_cycle_at").asText().equals(after)) {
                return s;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no new cycle on " + url + " within " + timeoutSeconds + " s");
    }

    static void awaitHttp(String what, String url, Process p, int timeoutSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(what + " exited with " + p.exitValue() + "; see bench/logs/");
            }
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    progress(what + " ready after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(what + " not ready within " + timeoutSeconds + " s; see bench/logs/");
    }

    // ------------------------------------------------------------------ exporter text format

    static TreeMap<String, Integer> exporterSamples(String body) {
        TreeMap<String, Integer> names = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int cut = line.length();
            for (char ch : new char[] {'{', ' '}) {
                int i = line.indexOf(ch);
                if (i >= 0 && i < cut) {
                    cut = i;
                }
            }
            String name = line.substring(0, cut);
            if (name.startsWith("go_") || name.startsWith("process_") || name.startsWith("promhttp_")) {
                continue;
            }
            names.merge(name, 1, Integer::sum);
        }
        return names;
    }

    static String exporterNames(String body) {
        StringBuilder sb = new StringBuilder("# exporter: metric name -> samples (go_/process_/promhttp_ excluded)\n");
        exporterSamples(body).forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    // ------------------------------------------------------------------ SQL helpers

    static void resetStatements() {
        pg.execute("postgres", "SELECT pg_stat_statements_reset()");
    }

    /** role -> {calls, total_exec_time ms, distinct statements}, top-level statements only. */
    static Map<String, double[]> statementsByRole() throws Exception {
        Map<String, double[]> m = new TreeMap<>();
        for (List<String> row : query("postgres", "SELECT r.rolname, sum(s.calls)::text, sum(s.total_exec_time)::text, "
                + "count(*)::text FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                + "WHERE s.toplevel AND r.rolname LIKE 'bench\\_%' GROUP BY 1")) {
            m.put(row.get(0), new double[] {Double.parseDouble(row.get(1)), Double.parseDouble(row.get(2)),
                    Double.parseDouble(row.get(3))});
        }
        return m;
    }

    static String topStatements() throws Exception {
        StringBuilder sb = new StringBuilder("# pg_stat_statements over the measured window, top-level, per role: "
                + "role | calls | total_exec_ms | database | query (first 150 chars)\n");
        for (List<String> row : query("postgres", "SELECT * FROM (SELECT r.rolname, s.calls::text, "
                + "round(s.total_exec_time::numeric, 2)::text, d.datname, "
                + "regexp_replace(left(s.query, 150), '\\s+', ' ', 'g'), "
                + "row_number() OVER (PARTITION BY r.rolname ORDER BY s.total_exec_time DESC) AS rn "
                + "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                + "LEFT JOIN pg_database d ON d.oid = s.dbid "
                + "WHERE s.toplevel AND r.rolname LIKE 'bench\\_%') x WHERE rn <= 25 "
                + "ORDER BY 1, 3::numeric DESC")) {
            sb.append(String.join(" | ", row.subList(0, 5))).append('\n');
        }
        return sb.toString();
    }

    static List<List<String>> query(String db, String sql) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = pg.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static void createTopics(String bootstrap) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>();
            for (String t : List.of("autopilot.metrics.v1", "autopilot.anomalies.v1", "autopilot.recommendations.v1",
                    "autopilot.operations.v1", "autopilot.anomalies.v1.dlq")) {
                topics.add(new org.apache.kafka.clients.admin.NewTopic(t, 3, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ misc

    static List<Double> toD(List<Long> l) {
        return l.stream().map(Long::doubleValue).toList();
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void progress(String msg) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + msg);
        System.out.flush();
    }
}
