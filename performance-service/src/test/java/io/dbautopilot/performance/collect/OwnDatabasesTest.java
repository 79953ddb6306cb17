package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.family;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A target with include patterns reports the cluster-wide per-database rows (statistics, sizes, statements, sessions,
 * locks) of its own databases only, so targets splitting one server do not each report, keep baselines for and raise
 * anomalies on every database of it; a target without include patterns still reports them all.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OwnDatabasesTest {

    /** Metric names (prefixes) of the families whose per-database rows follow the include patterns. */
    private static final List<String> OWNED = List.of("pg_stat_database_", "pg_database_size_bytes",
            "pg_stat_statements_", "pg_stat_activity_count", "pg_locks_count");

    @InjectInfra
    PostgresServer postgres;

    @Test
    void aTargetIncludingSomeDatabasesReportsTheClusterWideRowsOfThoseOnly() throws Exception {
        postgres.execute("postgres", "DROP DATABASE IF EXISTS own_other", "CREATE DATABASE own_other");
        // a statement of the other database in pg_stat_statements, a session and its lock in pg_stat_activity / pg_locks
        postgres.execute("own_other", "SELECT count(*) AS own_other_probe FROM pg_class");
        Instant after = Instant.now();
        Path password = Files.createTempFile("own-password", ".txt");
        Files.writeString(password, postgres.password());
        password.toFile().deleteOnExit();
        String body = """
                {"id": "own", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "1s", "include_databases": ["demo_target"]}}
                """.formatted(postgres.uri("demo_target"), postgres.user(), password);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
        try {
            MetricSnapshot own = await("own", after, s -> ran(s, "database") && ran(s, "database_sizes")
                    && ran(s, "statements") && ran(s, "activity") && ran(s, "locks"));
            Set<String> databases = new TreeSet<>();
            for (MetricPoint p : own.points()) {
                if (OWNED.stream().anyMatch(p.name()::startsWith) && p.labels().get("datname") != null) {
                    databases.add(p.labels().get("datname"));
                }
            }
            databases.remove("");
            assertEquals(Set.of("demo_target"), databases, "only the included database's rows");
            assertTrue(value(own, "pg_database_size_bytes", "datname", "demo_target").isPresent());
            assertTrue(value(own, "pg_stat_database_xact_commit", "datname", "demo_target").isPresent());
            assertTrue(value(own, "pg_connections_used").isPresent(), "server-wide totals are kept");
            assertTrue(value(own, "pg_database_xid_age", "datname", "own_other").isPresent(),
                    "wraparound stays server-wide: any database's XID age stops the whole cluster");

            MetricSnapshot demo = await("demo", after, s -> ran(s, "database_sizes")
                    && value(s, "pg_database_size_bytes", "datname", "own_other").isPresent());
            assertTrue(value(demo, "pg_stat_database_xact_commit", "datname", "own_other").isPresent(),
                    "a target without include patterns reports every database: " + Snapshots.describe(demo));
        } finally {
            RestAssured.delete("/api/targets/own").then().statusCode(204);
            postgres.execute("postgres", "DROP DATABASE IF EXISTS own_other WITH (FORCE)");
        }
    }

    private static boolean ran(MetricSnapshot s, String name) {
        return family(s, name).filter(f -> f.status() == FamilyStatus.RAN).isPresent();
    }
}
