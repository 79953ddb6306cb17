package io.dbautopilot.localstack.containers;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Testcontainers path: runs only where a Docker engine answers, and says so when it is skipped. */
class TestcontainersInfraTest {

    @BeforeEach
    void requireDocker() {
        String reason = DockerSupport.unavailableReason();
        if (reason != null) {
            System.err.println("[TestcontainersInfraTest] SKIPPED: " + reason
                    + " - the Testcontainers path needs a Docker engine; the embedded path is tested instead.");
        }
        assumeTrue(reason == null, () -> "Testcontainers path skipped: " + reason);
    }

    @Test
    void containersServeKafkaAndPostgresWithPgStatStatements() throws Exception {
        try (KafkaBroker kafka = ContainerKafka.launch(); PostgresServer pg = ContainerPostgres.launch()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertNotNull(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            }
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW shared_preload_libraries")) {
                rs.next();
                assertEquals("pg_stat_statements", rs.getString(1));
            }
        }
    }
}
