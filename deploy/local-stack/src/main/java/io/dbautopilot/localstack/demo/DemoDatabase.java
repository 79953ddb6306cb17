package io.dbautopilot.localstack.demo;

import io.dbautopilot.localstack.postgres.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack's demo target {@code demo}: its tables (orders, a churned stock table, a time-partitioned events
 * table) and the automation service's settings that manage it (migrations, backup schedule, partition upkeep), so a
 * fresh stack shows every capability at work instead of empty lists.
 */
public final class DemoDatabase {

    /** The managed database / target id and the PostgreSQL database name. */
    public static final String NAME = "demo";
    /** Where the demo's Flyway scripts live, relative to the repository root. */
    public static final String MIGRATIONS = "deploy/local-stack/demo/migrations";
    /** The schema the demo migrations own (Flyway's history table is there). */
    public static final String MIGRATED_SCHEMA = "app";
    /** Retention of the events partitions; the stack creates one partition older than it, which the upkeep detaches. */
    static final int RETENTION_DAYS = 7;

    private DemoDatabase() {
    }

    /**
     * Creates the demo tables in the (empty) database {@link #NAME}: {@code orders} (20,000 rows), {@code stock}
     * (20,000 rows; autovacuum only after 60,000 dead tuples and never for inserts, so the workload's churn leaves dead
     * tuples for the automation service to vacuum) and {@code events}, range-partitioned by day on {@code created_at} with one partition ten days old and
     * none for today: the partition upkeep creates today's and the days ahead, and detaches the old one.
     */
    public static void prepare(PostgresServer postgres) {
        LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(RETENTION_DAYS + 3L);
        String oldPartition = "events_old_" + old.format(DateTimeFormatter.BASIC_ISO_DATE);
        postgres.execute(NAME,
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(10,2), "
                        + "created_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO orders (customer, total) SELECT g % 500, (g % 97) * 1.5 FROM generate_series(1, 20000) g",
                "CREATE TABLE IF NOT EXISTS stock (id bigserial PRIMARY KEY, item int NOT NULL, quantity int NOT NULL, "
                        + "updated_at timestamptz NOT NULL DEFAULT now()) "
                        + "WITH (autovacuum_vacuum_threshold = 60000, autovacuum_vacuum_scale_factor = 0, "
                        + "autovacuum_vacuum_insert_threshold = -1)",
                "INSERT INTO stock (item, quantity) SELECT g % 2000, 100 FROM generate_series(1, 20000) g",
                "CREATE TABLE IF NOT EXISTS events (id bigserial, kind text NOT NULL, detail jsonb, "
                        + "created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (id, created_at)) "
                        + "PARTITION BY RANGE (created_at)",
                "CREATE TABLE IF NOT EXISTS " + oldPartition + " PARTITION OF events FOR VALUES FROM ('" + old
                        + " 00:00:00+00') TO ('" + old.plusDays(1) + " 00:00:00+00')",
                "INSERT INTO events (kind, created_at) SELECT 'archived', TIMESTAMPTZ '" + old
                        + " 00:00:00+00' + g * INTERVAL '1 minute' FROM generate_series(0, 99) g",
                "ANALYZE orders, stock, events");
    }

    /**
     * The automation service's settings for {@link #NAME} ({@code -D} options): the demo migrations (schema
     * {@value #MIGRATED_SCHEMA}) applied through the pending-migration check in policy mode {@code auto}, a
     * {@code pg_basebackup} full backup every 30 minutes with an RPO of one hour, and daily {@code events} partitions
     * kept three days ahead with a seven-day retention.
     *
     * @param root    the repository root (the migrations folder is under it)
     * @param backups directory for backups and pre-migration dumps (thrown away with the stack)
     * @param osUser  the OS user owning the cluster when the services run as root, else null
     */
    public static List<String> automationSettings(Path root, Path backups, String osUser) {
        Path migrations = root.resolve(MIGRATIONS);
        if (!Files.isDirectory(migrations)) {
            throw new IllegalStateException(migrations + " is missing: the demo migrations belong to the repository");
        }
        String db = "-Dautopilot.databases." + NAME + ".";
        List<String> props = new ArrayList<>(List.of(
                "-Dautopilot.migrations.databases." + NAME + ".location=" + migrations,
                // the migrations own schema app: Flyway refuses a non-empty schema without its history table (public)
                "-Dautopilot.migrations.databases." + NAME + ".schema=" + MIGRATED_SCHEMA,
                "-Dautopilot.migrations.check-interval=30s",
                "-Dautopilot.migrations.backup.directory=" + backups.resolve("pre-migration"),
                db + "policy.migrations-pending=auto",
                db + "partitions.events.table=public.events",
                db + "partitions.events.interval=daily",
                db + "partitions.events.premake=3",
                db + "partitions.events.retention=" + RETENTION_DAYS + "d",
                "-Dautopilot.partitions.check-interval=1m",
                "-Dautopilot.backup.directory=" + backups,
                "-Dautopilot.backup.databases." + NAME + ".engine=pg_basebackup",
                "-Dautopilot.backup.databases." + NAME + ".schedule-full=0 0/30 * * * ?",
                "-Dautopilot.backup.databases." + NAME + ".rpo=1h",
                "-Dautopilot.backup.databases." + NAME + ".retention-full=2",
                // an operation deferred by another one on the demo (start-up brings several at once) retries soon
                "-Dautopilot.operations.defer-delay=30s"));
        if (osUser != null) {
            props.add("-Dautopilot.backup.os-user=" + osUser);
        }
        return props;
    }

    /**
     * Requests the first full backup through the automation service's API (operator key), so the backup catalog does
     * not stay empty until the schedule's next half hour; returns the operation's URL.
     */
    public static String requestFirstBackup(int automationPort, String operatorKey) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + automationPort + "/api/backups"))
                .header("X-API-Key", operatorKey).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"database\": \"" + NAME + "\", \"type\": \"full\", "
                        + "\"reason\": \"first backup of the local stack (then schedule-full every 30 minutes)\"}"))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("POST /api/backups answered " + response.statusCode() + ": " + response.body());
            }
            return "http://localhost:" + automationPort + response.headers().firstValue("Location").orElse("/api/operations");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot request the first backup", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
