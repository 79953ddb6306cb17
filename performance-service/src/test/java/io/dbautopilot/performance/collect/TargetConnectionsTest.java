package io.dbautopilot.performance.collect;

import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetConnectionsTest {

    @Test
    void aBadTargetUrlFailsNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TargetConnections.connectOptions("orders-db", target("mysql://db:3306/orders")));
        assertEquals("autopilot.targets.orders-db.url must be a PostgreSQL URL (postgresql://host:port/database), not mysql",
                e.getMessage());
        IllegalArgumentException ssl = assertThrows(IllegalArgumentException.class,
                () -> TargetConnections.connectOptions("orders-db", target("postgresql://db:5432/orders?sslmode=sometimes")));
        assertTrue(ssl.getMessage().startsWith("autopilot.targets.orders-db.url: sslmode must be one of"), ssl.getMessage());
    }

    @Test
    void connectionsCarryTimeoutsApplicationNameAndCredentials() {
        PgConnectOptions options = TargetConnections.connectOptions("orders-db",
                target("jdbc:postgresql://db1:6543/orders?sslmode=require&search_path=app"));
        assertEquals("db1", options.getHost());
        assertEquals(6543, options.getPort());
        assertEquals("orders", options.getDatabase());
        assertEquals("monitor", options.getUser());
        assertEquals("s3cret", options.getPassword());
        assertEquals("5000", options.getProperties().get("statement_timeout"));
        assertEquals("1000", options.getProperties().get("lock_timeout"));
        assertEquals(TargetConnections.APPLICATION_NAME, options.getProperties().get("application_name"));
        assertEquals(io.vertx.pgclient.SslMode.REQUIRE, options.getSslMode());
        assertEquals("app", options.getProperties().get("search_path"));
    }

    private static TargetsConfig.Target target(String url) {
        return TestTarget.of(url);
    }
}
