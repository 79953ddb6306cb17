package io.dbautopilot.performance.benchmark;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB run's scratch database ({@link ScratchDatabase#nameOf}): created from the target's own database, dropped
 * when the run ends in any way after its own sessions still in it are killed (what PostgreSQL's {@code WITH (FORCE)}
 * does). The user needs {@value #GRANT}.
 */
@ApplicationScoped
public class MariaDbScratchDatabase {

    /** The grant a MariaDB benchmark user needs ({@code <user>} and {@code <host>} its account). */
    static final String GRANT = "GRANT CREATE, DROP, SELECT, INSERT, UPDATE, DELETE ON `autopilot\\_bench\\_%`.* "
            + "TO '<user>'@'<host>'";

    private static final Logger LOG = Logger.getLogger(MariaDbScratchDatabase.class);
    private static final long DDL_TIMEOUT_MS = 120_000;
    /** ER_DBACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR. */
    private static final List<Integer> DENIED = List.of(1044, 1045, 1142);

    /** Creates it; a missing privilege fails naming the grant the user needs. */
    void create(BenchmarkTarget target, String name) throws SQLException {
        try (Connection c = MariaDbSessions.connect(target, target.url().database(), DDL_TIMEOUT_MS, false);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + quoted(name) + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            if (DENIED.contains(e.getErrorCode())) {
                throw new SQLException("user '" + target.username().orElse("") + "' may not create the scratch "
                        + "database " + name + " (" + e.getMessage() + "); a MariaDB benchmark needs "
                        + GRANT.replace("<user>", target.username().orElse("<user>")), e.getSQLState(),
                        e.getErrorCode(), e);
            }
            throw e;
        }
    }

    /** Drops it if it exists, killing this user's sessions still in it first; true when it is gone (or never was). */
    boolean drop(BenchmarkTarget target, String name) {
        String checked = ScratchDatabase.checked(name);
        return ScratchDatabase.dropped(target, name, () -> {
            try (Connection c = MariaDbSessions.connect(target, target.url().database(), DDL_TIMEOUT_MS, false)) {
                if (!exists(c, checked)) {
                    return true; // never created (e.g. no privilege to): nothing to drop, nor perhaps the right to
                }
                killSessionsIn(c, checked);
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + quoted(checked));
                }
                return !exists(c, checked);
            }
        });
    }

    /** Kills the sessions in the database that this user may see and kill (its own, or all with PROCESS / CONNECTION ADMIN). */
    private static void killSessionsIn(Connection c, String name) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        for (long id : ids) {
            try (Statement st = c.createStatement()) {
                st.execute("KILL CONNECTION " + id);
            } catch (SQLException e) {
                LOG.debugf("Could not kill session %d in %s: %s", id, name, e.getMessage());
            }
        }
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String quoted(String name) {
        return '`' + ScratchDatabase.checked(name) + '`';
    }
}
