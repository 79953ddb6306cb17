package io.dbautopilot.automation.migration;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Test helper: writes migration scripts, calls the migrations API and waits for the operations it creates. */
final class MigrationSupport {

    static final String OPERATOR = "operator-secret-1";
    static final String VIEWER = "viewer-secret-1";
    static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

    private MigrationSupport() {
    }

    static RequestSpecification operator() {
        return given().header("X-API-Key", OPERATOR).contentType(ContentType.JSON);
    }

    static RequestSpecification viewer() {
        return given().header("X-API-Key", VIEWER);
    }

    static void script(String id, String name, String sql) throws IOException {
        Files.writeString(MigrationTestProfile.location(id).resolve(name), sql);
    }

    static Path file(String id, String name) {
        return MigrationTestProfile.location(id).resolve(name);
    }

    /** POSTs apply/undo and returns the operation id. */
    static String request(String id, String action, String body) {
        return operator().body(body).when().post("/api/migrations/" + id + "/" + action).then().statusCode(202)
                .extract().path("id");
    }

    /** Waits until the operation is terminal and returns it. */
    static JsonPath finished(String opId) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                TERMINAL.contains(viewer().when().get("/api/operations/" + opId).then().extract().<String>path("status")));
        return viewer().when().get("/api/operations/" + opId).then().extract().jsonPath();
    }

    static List<String> columns(PostgresServer pg, String db, String table) throws SQLException {
        try (Connection c = pg.connect(db); PreparedStatement ps = c.prepareStatement(
                "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, table);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    static Object value(PostgresServer pg, String db, String sql, Object... params) throws SQLException {
        try (Connection c = pg.connect(db); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Outbox reasons of one operation's events of a state (e.g. deferred, progress), oldest first. */
    static List<String> reasons(PostgresServer pg, String opId, String state) throws SQLException {
        try (Connection c = pg.connect("autopilot_state"); PreparedStatement ps = c.prepareStatement(
                "SELECT payload->>'reason' FROM automation.outbox WHERE operation_id = ?::uuid AND event_type = ? ORDER BY id")) {
            ps.setString(1, opId);
            ps.setString(2, "io.dbautopilot.operation." + state + ".v1");
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
