package io.dbautopilot.support.url;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bad database URL in a map-keyed setting fails the load naming that setting, through the services' discovery. */
class DatabaseUrlSettingsTest {

    @ConfigMapping(prefix = "autopilot")
    interface Targets {
        Map<String, Target> targets();

        interface Target {
            DatabaseUrl url();
        }
    }

    @Test
    void aBadUrlInsideAMapIsNamedWithoutItsValue() {
        assertEquals("orders", config(Map.of("autopilot.targets.a.url", "postgres://h/orders"))
                .getConfigMapping(Targets.class).targets().get("a").url().database());
        assertEquals("db.example:6543", config(Map.of("autopilot.targets.a.url", "postgresql://${pg.host}:${pg.port}/d",
                "pg.host", "db.example", "pg.port", "6543")).getConfigMapping(Targets.class).targets().get("a").url().hostPort(),
                "checked after expressions are expanded");
        assertEquals("d", config(Map.of("%test.autopilot.targets.a.url", "postgresql://h/d", "smallrye.config.profile", "test",
                "autopilot.targets.a.url", "not-used")).getConfigMapping(Targets.class).targets().get("a").url().database(),
                "checked after the profile is applied");

        String secret = messages(assertThrows(Exception.class,
                () -> config(Map.of("autopilot.targets.a.url", "postgresql://h/d?password=s3cr3t-pw"))));
        assertTrue(secret.contains("autopilot.targets.a.url: credentials inside a database URL are refused"), secret);
        assertFalse(secret.contains("s3cr3t-pw"), secret);

        String bad = messages(assertThrows(Exception.class,
                () -> config(Map.of("autopilot.targets.a.url", "jdbc:postgresql://h:99999/d"))));
        assertTrue(bad.contains("autopilot.targets.a.url: the postgresql URL's port must be 1-65535"), bad);
    }

    @Test
    void otherUrlsAreLeftAlone() {
        SmallRyeConfig config = config(Map.of("autopilot.targets.a.url", "postgresql://h/d",
                "autopilot.alerting.webhook.url", "https://hook:token@example.com/x",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://h/d?password=x"));
        assertEquals("https://hook:token@example.com/x", config.getRawValue("autopilot.alerting.webhook.url"));
        assertEquals("jdbc:postgresql://h/d?password=x", config.getRawValue("quarkus.datasource.jdbc.url"));
    }

    private static SmallRyeConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withSources(new MapBackedConfigSource("test", settings) {
                })
                .addDiscoveredConverters()
                .addDefaultInterceptors() // profiles and ${expressions}, as in the services
                .addDiscoveredInterceptors()
                .withMapping(Targets.class)
                .withValidateUnknown(false)
                .build();
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
