package io.dbautopilot.performance.benchmark;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The throwaway database a run works in, named {@value #PREFIX} + the run id's hex digits, created from the target's
 * own database connection and dropped ({@code WITH (FORCE)}, so pgbench sessions left behind cannot keep it) when the
 * run ends in any way.
 */
@ApplicationScoped
public class ScratchDatabase {

    /** Fixed prefix of every scratch database; exclude it from collection with {@code exclude_databases: [autopilot_bench_*]}. */
    public static final String PREFIX = "autopilot_bench_";

    private static final Pattern NAME = Pattern.compile(PREFIX + "[0-9a-f]{32}");
    private static final Logger LOG = Logger.getLogger(ScratchDatabase.class);
    private static final long DDL_TIMEOUT_MS = 120_000;

    /** The scratch database name of a run: the prefix and the run id without dashes. */
    public static String nameOf(UUID runId) {
        return PREFIX + runId.toString().replace("-", "");
    }

    /** Creates it (the name is ours: prefix + hex digits, checked again before it reaches SQL, and quoted). */
    void create(BenchmarkTarget target, String name) throws SQLException {
        try (Connection c = target.connect(target.url().database(), DDL_TIMEOUT_MS); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + quoted(name));
        }
    }

    /** Drops it if it exists, ending the sessions still in it; true when it is gone afterwards. */
    boolean drop(BenchmarkTarget target, String name) {
        return dropped(target, name, () -> {
            try (Connection c = target.connect(target.url().database(), DDL_TIMEOUT_MS)) {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + quoted(name) + " WITH (FORCE)");
                }
                return !exists(c, name);
            }
        });
    }

    /** One attempt at dropping a scratch database: true when it is gone afterwards. */
    @FunctionalInterface
    interface DropAttempt {
        boolean gone() throws SQLException;
    }

    /** Up to three attempts, 1 s and 2 s apart, each failure logged; true when one saw the database gone. */
    static boolean dropped(BenchmarkTarget target, String name, DropAttempt attempt) {
        for (int i = 1; i <= 3; i++) {
            try {
                if (attempt.gone()) {
                    return true;
                }
            } catch (SQLException e) {
                LOG.warnf("Dropping benchmark scratch database %s of target %s failed (attempt %d): %s", name,
                        target.id(), i, e.getMessage());
            }
            if (i < 3) {
                try {
                    Thread.sleep(1000L * i);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return false;
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String quoted(String name) {
        return '"' + checked(name) + '"';
    }

    /** The name, after checking it is a scratch database name (prefix + 32 hex digits) and nothing else. */
    static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a benchmark scratch database name: " + name);
        }
        return name;
    }
}
