package io.dbautopilot.automation.database;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Object names as users and the performance service write them resolve in the real catalog, and nothing else does. */
class CatalogObjectsTest {

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        postgres.createDatabase("shop");
        try (Connection c = postgres.connect("shop"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id int)");
            st.execute("CREATE SCHEMA \"Odd Schema\"");
            st.execute("CREATE TABLE \"Odd Schema\".\"Mixed\" (id int)");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void oneTwoAndThreePartNamesResolveInTheConnectedDatabase() throws Exception {
        CatalogObjects catalog = new CatalogObjects();
        try (Connection c = postgres.connect("shop")) {
            assertEquals("public.orders", catalog.find(c, "orders", CatalogObjects.TABLES).orElseThrow().quoted());
            assertEquals("public.orders", catalog.find(c, "public.orders", CatalogObjects.TABLES).orElseThrow().quoted());
            assertEquals("public.orders", catalog.find(c, "shop.public.orders", CatalogObjects.TABLES).orElseThrow().quoted());
            assertEquals("\"Odd Schema\".\"Mixed\"",
                    catalog.find(c, "shop.Odd Schema.Mixed", CatalogObjects.TABLES).orElseThrow().quoted());
        }
    }

    @Test
    void anotherDatabaseOrAnInjectionIsNotFound() throws Exception {
        CatalogObjects catalog = new CatalogObjects();
        try (Connection c = postgres.connect("shop")) {
            assertTrue(catalog.find(c, "other.public.orders", CatalogObjects.TABLES).isEmpty());
            assertTrue(catalog.find(c, "a.b.c.d", CatalogObjects.TABLES).isEmpty());
            assertTrue(catalog.find(c, "orders; DROP TABLE orders; --", CatalogObjects.TABLES).isEmpty());
        }
    }
}
