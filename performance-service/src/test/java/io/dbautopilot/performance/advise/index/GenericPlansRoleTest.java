package io.dbautopilot.performance.advise.index;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generic plans of workload statements on a real cluster: refused for a superuser monitoring role (with the reason
 * the advice reports), planned for a non-superuser one with {@code pg_catalog} first and temporary objects never
 * shadowing the statement's tables.
 */
class GenericPlansRoleTest {

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void cluster() throws Exception {
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        postgres.execute("postgres",
                "CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int)",
                "CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw' IN ROLE pg_monitor",
                "GRANT SELECT ON public.orders TO monitor");
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void aSuperuserMonitoringRoleIsRefusedAndTheAdviceSaysWhy() throws Exception {
        try (Connection c = postgres.connect("postgres")) {
            assertEquals(Optional.of("unavailable: monitoring role is a superuser; EXPLAIN of workload statements is "
                    + "skipped"), GenericPlans.refusal(c));
            assertTrue(GenericPlans.plan(c, "SELECT id FROM orders WHERE customer_id = $1", null).isEmpty());
        }
    }

    @Test
    void aNonSuperuserPlansWithTheCatalogFirstAndNoTemporaryShadow() throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "monitor");
        p.setProperty("password", "monitor-pw");
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), p)) {
            assertEquals(Optional.empty(), GenericPlans.refusal(c));
            try (Statement st = c.createStatement()) {
                // a temporary table of the same name would be found first under the default search_path
                st.execute("CREATE TEMP TABLE orders (id int, customer_id int)");
            }
            GenericPlans.Plan plan = GenericPlans.plan(c, "SELECT id FROM orders WHERE customer_id = $1", null)
                    .orElseThrow();
            assertEquals("public", plan.root().path("Schema").asText(), plan.root().toString());
            assertEquals("orders", plan.root().path("Relation Name").asText());
        }
    }
}
