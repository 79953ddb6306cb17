package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The throwaway MariaDB as a target registered through {@code /api/targets}, and JDBC sessions on it for tests. */
public final class MariaDbTarget {

    /** Options of the test server: a binary log (binlog rules, replication), a small buffer pool (hit ratio rule). */
    public static final String SERVER_OPTIONS = "--log-bin=binlog --server-id=1 --innodb-buffer-pool-size=8M";

    /** Collection settings of the test target: a 1 s tick, every family every tick. */
    public static final String COLLECTION = """
            {"interval": "1s", "query_timeout": "3s", "cycle_budget": "5s",
             "family_intervals": {"global_status": "1s", "global_variables": "1s", "processlist": "1s",
                                  "statements": "1s", "tables": "1s", "indexes": "1s", "replication": "1s",
                                  "binlog": "1s"}}""";

    private static final java.util.Map<String, Path> PASSWORD_FILES = new java.util.concurrent.ConcurrentHashMap<>();

    private MariaDbTarget() {
    }

    /** Registers (or replaces) the server as target {@code id}; returns the answer of {@code PUT ?check=true}. */
    public static ValidatableResponse register(String id, MariaDbServer server) throws Exception {
        return register(id, server, COLLECTION);
    }

    /** Registers (or replaces) the server as target {@code id} with the given collection settings (JSON). */
    public static ValidatableResponse register(String id, MariaDbServer server, String collection) throws Exception {
        // one password file per server: registering again with the same definition changes nothing (a new file name
        // would be a new definition, and the target would be taken on afresh, its collected values forgotten)
        Path file = PASSWORD_FILES.get(server.password());
        if (file == null) {
            file = Files.createTempFile("mariadb-password", ".txt");
            Files.writeString(file, server.password() + "\n");
            file.toFile().deleteOnExit();
            PASSWORD_FILES.put(server.password(), file);
        }
        String body = """
                {"engine": "mariadb", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "labels": {"env": "test"}, "collection": %s}""".formatted(server.url(), server.user(), file, collection);
        return RestAssured.given().contentType(ContentType.JSON).body(body).queryParam("check", true)
                .put("/api/targets/" + id).then();
    }

    /** A new JDBC session on a database of the server (the caller closes it). */
    public static Connection connect(MariaDbServer server, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + server.host() + ":" + server.port() + "/" + database,
                server.user(), server.password());
    }

    /** Runs statements on the server's own database, each in autocommit. */
    public static void execute(MariaDbServer server, String... sql) throws SQLException {
        try (Connection c = connect(server, server.database()); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
