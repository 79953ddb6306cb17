package io.dbautopilot.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings catalogue the wiring checks rely on finds the real settings, and rejects what is not one. */
class ServiceSettingsTest {

    @Test
    void performanceServiceSettingsComeFromPropertiesAndConfigMappings() {
        ServiceSettings s = ServiceSettings.of("performance-service");
        assertTrue(s.knowsEnv("KAFKA_BOOTSTRAP_SERVERS"), "application.properties key");
        assertTrue(s.knowsEnv("AUTOPILOT_STATE_URL"), "@ConfigMapping autopilot.state");
        assertTrue(s.knowsEnv("AUTOPILOT_COLLECTION_FAMILY_INTERVALS_TABLES"), "map-keyed leaf");
        assertTrue(s.knowsEnv("AUTOPILOT_DASHBOARD_HISTORY_SIZE"), "dashboard setting");
        assertTrue(s.knowsEnv("AUTOPILOT_API_OPEN"), "a setting of the shared service-support library");
        assertTrue(s.knowsProperty("autopilot.targets.orders-db.url"), "map-keyed group");
        assertTrue(s.knowsProperty("autopilot.targets.orders-db.family-intervals.tables"), "map inside a map");
        assertFalse(s.knowsEnv("AUTOPILOT_STATE_URI"), s.toString());
        assertFalse(s.knowsProperty("autopilot.targets.orders-db.uri"));
        assertFalse(s.knowsProperty("autopilot.databases.orders-db.url"), "an automation setting");
    }

    @Test
    void automationServiceSettingsIncludeManagedDatabasesAndApiKeys() {
        ServiceSettings s = ServiceSettings.of("database-automation-service");
        assertTrue(s.knowsProperty("autopilot.databases.orders-db.maintenance-windows"));
        assertTrue(s.knowsEnv("AUTOPILOT_API_OPERATOR_KEYS"));
        assertTrue(s.knowsEnv("AUTOPILOT_OPERATIONS_INSTANCE_ID"));
        assertFalse(s.knowsProperty("autopilot.targets.orders-db.url"), "a performance-service setting");
    }

    @Test
    void wiringProblemsNameWhatIsWrong() {
        ServiceSettings s = ServiceSettings.of("performance-service");
        List<String> problems = ConfigWiring.problems(s, List.of("KAFKA_BOOTSTRAP_SERVER", "ORDERS_PW"),
                "autopilot.targets.orders.url=postgresql://db/orders\nautopilot.targets.orders.pasword=${ORDERS_PW}\n"
                        + "autopilot.targets.orders.username=${ORDERS_USER}\n");
        assertEquals(List.of(
                "properties key 'autopilot.targets.orders.pasword' is no setting of the service",
                "environment variable KAFKA_BOOTSTRAP_SERVER maps to no setting and is not referenced from the properties",
                "the properties reference ${ORDERS_USER} but no such environment variable is given"), problems);
    }
}
