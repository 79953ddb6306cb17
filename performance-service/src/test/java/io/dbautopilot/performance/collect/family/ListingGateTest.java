package io.dbautopilot.performance.collect.family;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relation listings of a database of more than 100 relations are skipped while its relation digest stays the
 * same (their values reused are the server's), and run again after whatever they report changed: rows written, a
 * table read (the statistics listings only), a rename, an index built concurrently turning valid. A target of its own
 * (registered through the API) whose pooled connection is on the probe database, with {@code demo_target} beside it
 * (the shared {@code demo} target's visits can be skipped for its connection cap while advisors examine a new
 * database), families every second.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ListingGateTest {

    private static final String DB = "gate_probe";
    private static final String TARGET = "gate";
    private static final int TABLES = 120;
    private static final List<String> GATED = List.of("tables", "indexes", "table_sizes", "bloat");

    @InjectInfra
    PostgresServer postgres;

    @AfterEach
    void dropProbe() throws Exception {
        RestAssured.delete("/api/targets/" + TARGET);
        exec("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
    }

    @Test
    void listingsAreReusedWhileNothingTheyReportMovedAndRunAgainWhenSomethingDid() throws Exception {
        exec("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)", "CREATE DATABASE " + DB);
        StringBuilder ddl = new StringBuilder();
        for (int i = 1; i <= TABLES; i++) {
            // no autovacuum: only what the test does moves a digest (an autovacuum of g7 after its insert would move
            // the structure digest while the test expects a table read to leave it alone)
            ddl.append("CREATE TABLE g").append(i)
                    .append(" (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);")
                    .append("INSERT INTO g").append(i).append(" SELECT g, md5(g::text) FROM generate_series(1, 500) g;");
        }
        exec(DB, ddl.toString(), "VACUUM ANALYZE");
        Path password = Files.createTempFile("gate-password", ".txt");
        Files.writeString(password, postgres.password());
        password.toFile().deleteOnExit();
        RestAssured.given().contentType(ContentType.JSON).body("""
                {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "1s", "max_connections": 4, "include_databases": ["%s", "demo_target"]}}
                """.formatted(TARGET, postgres.uri(DB), postgres.user(), password, DB))
                .post("/api/targets").then().statusCode(201);

        // quiet: every gated listing is reused, with the server's values
        MetricSnapshot quiet = await(TARGET, Instant.now(), reused(GATED));
        assertEquals(server("SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'g7'"),
                value(quiet, "pg_stat_user_tables_n_live_tup", "datname", DB, "relname", "g7").orElseThrow());
        assertEquals(server("SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'g7'"),
                value(quiet, "pg_stat_user_tables_seq_scan", "datname", DB, "relname", "g7").orElseThrow());
        assertTrue(value(quiet, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "g7").orElseThrow()
                >= 8192);
        assertEquals(TABLES, value(quiet, "pg_stat_user_tables_count", "datname", DB).orElseThrow());
        MetricSnapshot small = await(TARGET, quiet.collectedAt(), s -> value(s, "pg_relation_listing_reused",
                "datname", "demo_target", "family", "tables").isPresent());
        assertEquals(0, value(small, "pg_relation_listing_reused", "datname", "demo_target", "family", "tables")
                .orElseThrow(), "a database of a few tables is listed every time (the digest would cost more)");

        // rows written: the statistics and the sizes are read again
        double size = value(quiet, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "g7").orElseThrow();
        exec(DB, "INSERT INTO g7 SELECT g, repeat('x', 500) FROM generate_series(501, 2500) g");
        await(TARGET, Instant.now(), s -> value(s, "pg_stat_user_tables_n_tup_ins", "datname", DB, "relname", "g7")
                .orElse(0) == 2500
                && value(s, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "g7").orElse(0) > size);
        await(TARGET, Instant.now(), reused(GATED));

        // a table read: the statistics listings run again, the sizes and the bloat estimate stay reused
        double scans = value(quiet, "pg_stat_user_tables_seq_scan", "datname", DB, "relname", "g8").orElseThrow();
        exec(DB, "SELECT count(*) FROM g8");
        MetricSnapshot read = await(TARGET, Instant.now(), s -> value(s, "pg_stat_user_tables_seq_scan", "datname", DB,
                "relname", "g8").orElse(0) == scans + 1);
        assertEquals(1, value(read, "pg_relation_listing_reused", "datname", DB, "family", "table_sizes").orElseThrow());
        assertEquals(1, value(read, "pg_relation_listing_reused", "datname", DB, "family", "bloat").orElseThrow());

        // a rename moves no counter: the new name is reported all the same
        exec(DB, "ALTER TABLE g9 RENAME TO g9_renamed");
        await(TARGET, Instant.now(), s -> GATED.stream().allMatch(f -> value(s, "pg_relation_listing_reused",
                        "datname", DB, "family", f).isPresent())
                && value(s, "pg_stat_user_tables_n_live_tup", "datname", DB, "relname", "g9_renamed").isPresent()
                && value(s, "pg_stat_user_tables_table_size_bytes", "datname", DB, "relname", "g9_renamed").isPresent()
                && value(s, "pg_stat_user_tables_n_live_tup", "datname", DB, "relname", "g9").isEmpty());

        // an index built concurrently is listed, and valid once the build is done
        exec(DB, "CREATE INDEX CONCURRENTLY g10_v ON g10 (v)");
        await(TARGET, Instant.now(), s -> value(s, "pg_stat_user_indexes_valid", "datname", DB,
                "indexrelname", "g10_v").orElse(0) == 1);
    }

    /** A snapshot in which each of the given families ran on the probe database and reused its last listing. */
    private static Predicate<MetricSnapshot> reused(List<String> families) {
        return s -> families.stream().allMatch(f -> value(s, "pg_relation_listing_reused", "datname", DB,
                "family", f).orElse(0) == 1);
    }

    private double server(String sql) throws Exception {
        try (Connection c = postgres.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getDouble(1);
        }
    }

    private void exec(String db, String... statements) throws Exception {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } // closing the backend flushes its statistics
    }
}
