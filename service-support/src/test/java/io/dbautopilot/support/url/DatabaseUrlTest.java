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

class DatabaseUrlTest {

    @Test
    void parsesEveryEngine() {
        DatabaseUrl pg = DatabaseUrl.parse("jdbc:postgresql://db.example:6543/orders?sslmode=require");
        assertEquals("postgresql", pg.engine());
        assertEquals("db.example", pg.host());
        assertEquals(6543, pg.port());
        assertEquals("orders", pg.database());
        assertEquals("jdbc:postgresql://db.example:6543/orders?sslmode=require", pg.jdbcUrl());
        assertEquals("postgresql://db.example:6543/orders?sslmode=require", pg.toString());
        assertEquals(5432, DatabaseUrl.parse("postgres://h/d").port());
        assertEquals("postgresql", DatabaseUrl.parse("postgres://h/d").engine());

        DatabaseUrl my = DatabaseUrl.parse("mysql://[::1]/shop");
        assertEquals("::1", my.host());
        assertEquals(3306, my.port());
        assertEquals("jdbc:mariadb://[::1]:3306/shop", my.jdbcUrl());
        assertEquals("mariadb", DatabaseUrl.parse("mariadb://h:3307/x").engine());

        DatabaseUrl redis = DatabaseUrl.parse("redis://cache:6380/2");
        assertEquals(6380, redis.port());
        assertEquals("2", redis.database());
        assertEquals("", DatabaseUrl.parse("redis://cache").database());

        DatabaseUrl lite = DatabaseUrl.parse("sqlite:///var/lib/app/app.db");
        assertEquals("/var/lib/app/app.db", lite.database());
        assertEquals("jdbc:sqlite:/var/lib/app/app.db", lite.jdbcUrl());
    }

    @Test
    void refusesBadUrlsSayingWhat() {
        assertMessage("oracle://h/d", "unknown database engine 'oracle'");
        assertMessage("postgresql:///d", "has no host");
        assertMessage("postgresql://h:5432", "names no database");
        assertMessage("postgresql://h:99999/d", "port");
        assertMessage("redis://h/zero", "database number");
        assertMessage("sqlite://relative.db", "absolute file path");
        assertMessage("localhost:5432", "unknown database engine");
        assertMessage("", "required");
    }

    @Test
    void refusesCredentialsWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://app:s3cr3t-pw@h:5432/d"));
        assertTrue(e.getMessage().contains("credentials inside a database URL are refused"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-pw"));
        e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseUrl.parse("postgresql://h:5432/d?password=s3cr3t-pw"));
        assertFalse(e.getMessage().contains("s3cr3t-pw"));
        assertTrue(e.getMessage().contains("'password'"), e.getMessage());
    }

    /** A mapping as the services declare them. */
    @ConfigMapping(prefix = "t")
    interface Settings {
        /** The URL. */
        DatabaseUrl url();
    }

    @Test
    void badUrlFailsAtConfigLoadNamingTheSettingButNotTheSecret() {
        SmallRyeConfig good = config("postgresql://h:1/d");
        assertEquals("d", good.getConfigMapping(Settings.class).url().database());

        Exception e = assertThrows(Exception.class, () -> config("postgresql://app:s3cr3t-pw@h:1/d"));
        String all = messages(e);
        assertTrue(all.contains("t.url"), all);
        assertTrue(all.contains("credentials inside a database URL are refused"), all);
        assertFalse(all.contains("s3cr3t-pw"), all);
    }

    private static SmallRyeConfig config(String url) {
        return new SmallRyeConfigBuilder()
                .withSources(new MapBackedConfigSource("test", Map.of("t.url", url)) {
                })
                .withConverter(DatabaseUrl.class, 100, new DatabaseUrlConverter())
                .withMapping(Settings.class)
                .build();
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
            for (Throwable s : c.getSuppressed()) {
                b.append(messages(s));
            }
        }
        return b.toString();
    }

    private static void assertMessage(String url, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(url));
        assertTrue(e.getMessage().contains(expected), url + " -> " + e.getMessage());
    }
}
