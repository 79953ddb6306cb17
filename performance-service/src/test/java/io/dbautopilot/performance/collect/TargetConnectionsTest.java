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
        assertTrue(e.getMessage().startsWith("autopilot.targets.orders-db.url is not a valid PostgreSQL URI"), e.getMessage());
    }

    @Test
    void connectionsCarryTimeoutsApplicationNameAndCredentials() {
        PgConnectOptions options = TargetConnections.connectOptions("orders-db", target("jdbc:postgresql://db1:6543/orders"));
        assertEquals("db1", options.getHost());
        assertEquals(6543, options.getPort());
        assertEquals("orders", options.getDatabase());
        assertEquals("monitor", options.getUser());
        assertEquals("s3cret", options.getPassword());
        assertEquals("5000", options.getProperties().get("statement_timeout"));
        assertEquals("1000", options.getProperties().get("lock_timeout"));
        assertEquals(TargetConnections.APPLICATION_NAME, options.getProperties().get("application_name"));
    }

    private static TargetsConfig.Target target(String url) {
        return TestTarget.of(url);
    }
}
