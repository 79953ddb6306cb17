package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.deploy.DrillFollower.Condition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.dbautopilot.deploy.ReliabilitySuiteTest.AUTOMATION;
import static io.dbautopilot.deploy.ReliabilitySuiteTest.TARGET;
import static io.dbautopilot.deploy.ReliabilitySuiteTest.TARGET_DB;

/**
 * Issue 19's scenario 10, the closed-loop drill on the suite's PostgreSQL target: each condition is made for real,
 * then followed through the normal path (anomaly or the automation service's own finding -> policy -> operation ->
 * succeeded with its verified effect, and the condition gone in the database), timed from the moment the condition
 * exists. Conditions that take days or hundreds of millions of transactions in production are made reachable by
 * configuration only (docs/reliability.md): the drill's rules (performance-service's rules file, reloaded while it
 * runs) lower the thresholds and are limited to the drill's objects by labels, and the automation service's policy
 * file runs index bloat, pending migrations and idle sessions (limit 5 s) without a window or approval.
 */
final class ClosedLoopDrill {

    static final String MIGRATION_SCHEMA = "drill_app";
    static final String PARTITIONED = "drill_events";
    /** Flyway versions of the scripts the suite writes (the kill loops of scenario 5 and the drill share the folder). */
    static final AtomicInteger VERSION = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final List<String> FINAL = List.of("succeeded", "failed", "cancelled");

    private ClosedLoopDrill() {
    }

    static Path migrations(Path work) {
        return work.resolve("drill-migrations");
    }

    /**
     * Prepares the target before the automation service starts (a partitioned table whose future partitions the
     * upkeep keeps, an empty migrations folder, the policy file) and returns the automation service's settings.
     */
    static List<String> prepare(ThrowawayPostgres target, Path work) throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        target.execute(TARGET_DB, "CREATE TABLE public." + PARTITIONED + " (id bigint, created_at timestamptz NOT NULL)"
                        + " PARTITION BY RANGE (created_at)",
                "CREATE TABLE public." + PARTITIONED + "_p" + today.toString().replace("-", "") + " PARTITION OF public."
                        + PARTITIONED + " FOR VALUES FROM ('" + today + " 00:00:00+00') TO ('" + today.plusDays(1)
                        + " 00:00:00+00')");
        Files.createDirectories(migrations(work));
        Path policy = work.resolve("drill-policy.yaml");
        String shipped = Files.readString(Repo.path("database-automation-service/src/main/resources/policy/default-policy.yaml"));
        Files.writeString(policy, policy(shipped), StandardCharsets.UTF_8);
        String db = "-Dautopilot.databases." + TARGET + ".";
        return List.of("-Dautopilot.policy.file=" + policy,
                "-Dautopilot.migrations.databases." + TARGET + ".location=" + migrations(work),
                "-Dautopilot.migrations.databases." + TARGET + ".schema=" + MIGRATION_SCHEMA,
                "-Dautopilot.migrations.check-interval=5s",
                "-Dautopilot.migrations.backup.directory=" + work.resolve("pre-migration"),
                db + "partitions.drill.table=public." + PARTITIONED,
                db + "partitions.drill.interval=daily",
                db + "partitions.drill.premake=2",
                "-Dautopilot.partitions.check-interval=5s",
                "-Dautopilot.operations.defer-delay=5s",
                // the policy's backup (backup_stale) uses the database's engine: a pg_dump fits the suite's 4 MB filesystem
                "-Dautopilot.backup.databases." + TARGET + ".engine=pg_dump");
    }

    /**
     * The shipped policy with three modes changed for the drill: index bloat and pending migrations run at once
     * (shipped: window, approval), and an idle-in-transaction session may sit 5 s (shipped: 10 min).
     */
    static String policy(String shipped) {
        String p = shipped;
        p = replaceOnce(p, "match: { rule: index_bloat }\n    operation: reindex\n    mode: window",
                "match: { rule: index_bloat }\n    operation: reindex\n    mode: auto");
        p = replaceOnce(p, "match: { rule: migration_pending }\n    operation: migrate\n    mode: approval",
                "match: { rule: migration_pending }\n    operation: migrate\n    mode: auto");
        p = replaceOnce(p, "match: { rule: idle_in_transaction }\n    operation: terminate_idle\n    mode: auto\n    limit: 10m",
                "match: { rule: idle_in_transaction }\n    operation: terminate_idle\n    mode: auto\n    limit: 5s");
        return p;
    }

    private static String replaceOnce(String text, String old, String replacement) {
        if (!text.contains(old)) {
            throw new IllegalStateException("the shipped policy changed: '" + old + "' not found");
        }
        return text.replace(old, replacement);
    }

    /** The drill's rules, added to the suite's rules file while it runs (thresholds lowered, limited by labels). */
    static ObjectNode rules() throws Exception {
        JsonNode shipped = Repo.YAML.readTree(Repo.path("performance-service/src/main/resources/rules/default-rules.yaml")
                .toFile());
        ObjectNode rules = Repo.JSON.createObjectNode();
        ObjectNode stats = shipped.at("/rules/table_not_analyzed").deepCopy();
        stats.set("labels", Repo.JSON.createObjectNode().put("relname", "drill_stats"));
        stats.set("thresholds", Repo.JSON.createObjectNode().put("warning", 1));
        rules.set("table_not_analyzed", fast(stats));
        ObjectNode bloat = shipped.at("/rules/index_bloat").deepCopy();
        bloat.set("labels", Repo.JSON.createObjectNode().put("indexrelname", "drill_bloat_v_idx"));
        bloat.set("require", Repo.JSON.createArrayNode().add(Repo.JSON.createObjectNode()
                .put("metric", "pg_index_bloat_bytes").put("op", ">").put("value", 1_048_576)));
        rules.set("index_bloat", fast(bloat));
        ObjectNode xid = shipped.at("/rules/xid_age").deepCopy();
        xid.set("labels", Repo.JSON.createObjectNode().put("relname", "drill_xid"));
        xid.set("thresholds", Repo.JSON.createObjectNode().put("warning", 150_000));
        rules.set("xid_age", fast(xid));
        ObjectNode idle = shipped.at("/rules/idle_in_transaction").deepCopy();
        idle.set("thresholds", Repo.JSON.createObjectNode().put("warning", 5));
        rules.set("idle_in_transaction", fast(idle));
        ObjectNode stale = shipped.at("/rules/backup_stale").deepCopy();
        stale.set("thresholds", Repo.JSON.createObjectNode().put("warning", 20));
        rules.set("backup_stale", fast(stale));
        return rules;
    }

    private static ObjectNode fast(ObjectNode rule) {
        rule.put("for", "0s");
        rule.put("cooldown", "10m");
        rule.remove("overrides");
        return rule;
    }

    /**
     * Runs the drill: a first backup (so that one can go stale), the drill's rules, then the eight conditions made
     * one after another and followed until each is remediated; records a row per condition and the unsafe actions.
     */
    static void run(ReliabilityReport report, ThrowawayPostgres target, Path work, Path rulesFile, String suiteRules)
            throws Exception {
        Instant drillStart = Instant.now();
        // a backup the automation service ran, whose age then passes the drill's 20 s threshold
        HttpResponse<String> r = ReliabilitySuiteTest.stack.send(AUTOMATION, "POST", "/api/backups",
                PerformanceInstances.OPERATOR_KEY, "{\"database\": \"" + TARGET + "\", \"engine\": \"pg_dump\", "
                        + "\"reason\": \"closed-loop drill: the backup that goes stale\"}");
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("backup request: " + r.statusCode() + " " + r.body());
        }
        JsonNode accepted = Repo.JSON.readTree(r.body());
        String firstBackup = accepted.path("id").asText(accepted.path("operation_id").asText());
        JsonNode first = ReliabilitySuiteTest.await("the drill's first backup", () -> {
            JsonNode o = ReliabilitySuiteTest.get(AUTOMATION, "/api/operations/" + firstBackup);
            return FINAL.contains(o.path("status").asText()) ? o : null;
        });

        // the drill's rules join the suite's (performance-service re-reads the file within 10 s)
        ObjectNode file = (ObjectNode) Repo.YAML.readTree(suiteRules);
        ((ObjectNode) file.get("rules")).setAll(rules());
        Files.writeString(rulesFile, Repo.YAML.writeValueAsString(file), StandardCharsets.UTF_8);

        Map<Condition, Instant> made = new LinkedHashMap<>();
        List<Connection> held = new ArrayList<>();
        try {
            // XID age first (nothing may hold back the oldest xmin meanwhile): drill_xid becomes the database's oldest
            // table (every other relation frozen), then 200,000 transaction IDs are used up in subtransactions
            target.execute(TARGET_DB, "CREATE TABLE public.drill_xid (id int)", "INSERT INTO public.drill_xid VALUES (1)",
                    "CREATE TABLE public.drill_xid_burn (id int)");
            try (Connection c = target.connect(TARGET_DB); Statement st = c.createStatement()) {
                List<String> others = new ArrayList<>();
                try (var rs = st.executeQuery("SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('r', 'm', 't')"
                        + " AND relname <> 'drill_xid'")) {
                    while (rs.next()) {
                        others.add(rs.getString(1));
                    }
                }
                for (String rel : others) {
                    st.execute("VACUUM (FREEZE) " + rel);
                }
                st.execute("DO $$ BEGIN FOR i IN 1..200000 LOOP BEGIN INSERT INTO public.drill_xid_burn VALUES (i);"
                        + " EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$");
            }
            made.put(new Condition(TARGET, "XID age (drill_xid older than 150,000 transactions)", "vacuum_freeze",
                    "drill_xid",
                    () -> scalar("SELECT age(relfrozenxid) FROM pg_class WHERE relname = 'drill_xid'") < 75_000), Instant.now());

            target.execute(TARGET_DB,
                    "CREATE TABLE public.drill_dead (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                    "INSERT INTO public.drill_dead SELECT g, repeat('d', 50) FROM generate_series(1, 40000) g",
                    "DELETE FROM public.drill_dead WHERE id % 4 <> 0");
            made.put(new Condition(TARGET, "dead tuples (30,000 of 40,000 rows)", "vacuum", "drill_dead",
                    () -> scalar("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'drill_dead'") < 1000), Instant.now());

            target.execute(TARGET_DB, "CREATE TABLE public.drill_stats (id int, v int) WITH (autovacuum_enabled = off)",
                    "INSERT INTO public.drill_stats SELECT g, g FROM generate_series(1, 5000) g");
            made.put(new Condition(TARGET, "stale statistics (5,000 rows changed, never analyzed)", "analyze",
                    "drill_stats",
                    () -> scalar("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = 'drill_stats'") < 1000),
                    Instant.now());

            target.execute(TARGET_DB, "CREATE TABLE public.drill_bloat (id int, v int) WITH (autovacuum_enabled = off)",
                    "INSERT INTO public.drill_bloat SELECT g, (g * 7919) % 200000 FROM generate_series(1, 200000) g",
                    "CREATE INDEX drill_bloat_v_idx ON public.drill_bloat (v)",
                    "DELETE FROM public.drill_bloat WHERE id % 10 <> 0",
                    "VACUUM ANALYZE public.drill_bloat");
            long bloated = scalar("SELECT pg_relation_size('public.drill_bloat_v_idx')");
            made.put(new Condition(TARGET, "index bloat (90 % of an index's entries deleted)", "reindex", "drill_bloat_v_idx",
                    () -> scalar("SELECT pg_relation_size('public.drill_bloat_v_idx')") < bloated / 2), Instant.now());

            Instant backedUp = Instant.parse(first.path("finished_at").asText());
            made.put(new Condition(TARGET, "backup stale (none succeeded in the last 20 s)", "backup", null,
                    () -> true), backedUp.plusSeconds(20).isAfter(Instant.now()) ? backedUp.plusSeconds(20) : Instant.now());

            int version = VERSION.incrementAndGet();
            Files.writeString(migrations(work).resolve("V" + version + "__drill.sql"),
                    "CREATE TABLE " + MIGRATION_SCHEMA + ".drill_migrated (id int);\n", StandardCharsets.UTF_8);
            made.put(new Condition(TARGET, "pending migration (V" + version + " written to the migrations folder)",
                    "migrate", null,
                    () -> scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '" + MIGRATION_SCHEMA
                            + "' AND tablename = 'drill_migrated'") == 1), Instant.now());

            String parent = "public." + PARTITIONED;
            String partitions = "SELECT count(*) FROM pg_inherits WHERE inhparent = '" + parent + "'::regclass";
            ReliabilitySuiteTest.await("the upkeep's future partitions of " + parent, () -> scalar(partitions) >= 3 ? true : null);
            long count = scalar(partitions);
            String newest = ReliabilitySuiteTest.column(TARGET_DB, target, "SELECT c.relname FROM pg_inherits i JOIN pg_class c"
                    + " ON c.oid = i.inhrelid WHERE i.inhparent = '" + parent + "'::regclass ORDER BY c.relname DESC LIMIT 1").get(0);
            target.execute(TARGET_DB, "ALTER TABLE " + parent + " DETACH PARTITION public." + newest, "DROP TABLE public." + newest);
            made.put(new Condition(TARGET, "missing future partition (" + newest + " dropped)", "partition_create", null,
                    () -> scalar(partitions) >= count), Instant.now());

            Connection idle = target.connect(TARGET_DB);
            held.add(idle);
            idle.setAutoCommit(false);
            long pid;
            try (Statement st = idle.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getLong(1);
            }
            // watched from another session: any statement on this one (even isValid's) would reset its idle time
            made.put(new Condition(TARGET, "idle in transaction (a session holding an open transaction)",
                    "terminate_idle", null,
                    () -> scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0), Instant.now());

            DrillFollower.report(report, DrillFollower.follow(made, drillStart, firstBackup));
            DrillFollower.unsafe(report, "0 unsafe actions (no operation on anything outside the drill's conditions)",
                    made.keySet(), List.of(TARGET), drillStart, firstBackup, object -> object.contains("drill_"));
        } finally {
            for (Connection c : held) {
                try {
                    c.close();
                } catch (Exception e) {
                    // terminated by the drill
                }
            }
            Files.writeString(rulesFile, suiteRules, StandardCharsets.UTF_8);
        }
    }

    private static long scalar(String sql) throws Exception {
        return ReliabilitySuiteTest.scalar(TARGET_DB, ReliabilitySuiteTest.target, sql);
    }
}
