package io.dbautopilot.automation.canary;

import io.dbautopilot.automation.database.ManagedDatabases;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the canary does on a target, all inside its own schema: creates the schema when missing, plants a table
 * with dead tuples, reads its statistics, and drops the tables of its runs. Names are built by the server's
 * {@code format('%I.%I')} from the validated schema setting and a name derived from the run id; only tables of that
 * schema named {@code canary_*} and owned by the connecting role are ever dropped.
 */
@ApplicationScoped
public class CanaryTable {

    private static final Logger LOG = Logger.getLogger(CanaryTable.class);
    /** application_name purpose of the canary's connections. */
    static final String PURPOSE = "canary";

    private final ManagedDatabases databases;
    private final CanaryConfig config;

    public CanaryTable(ManagedDatabases databases, CanaryConfig config) {
        this.databases = databases;
        this.config = config;
    }

    /** The table name of a run: {@code canary_} and the run id's first 12 hex digits. */
    static String tableOf(UUID run) {
        return "canary_" + run.toString().replace("-", "").substring(0, 12);
    }

    /** The qualified name of a run's table as the anomaly names it ({@code schema.table}). */
    String qualified(UUID run) {
        return config.schema() + "." + tableOf(run);
    }

    /**
     * Creates the schema when missing, then the run's table with {@code rows} rows (autovacuum off on it alone), and
     * deletes three rows in four, each in its own transaction so the dead tuples are counted at once.
     *
     * @throws CanaryException with a message an operator can act on (e.g. the privilege the role lacks)
     */
    public void plant(String target, UUID run) {
        String table = tableOf(run);
        try (Connection c = databases.connect(target, PURPOSE)) {
            ensureSchema(c);
            String name = quoted(c, table);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + name + " (id integer PRIMARY KEY, pad text) "
                        + "WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off)");
                st.execute("COMMENT ON TABLE " + name + " IS 'db-autopilot canary run " + run
                        + ": planted dead tuples, dropped by the canary when the run ends'");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name
                    + " SELECT g, repeat('x', 50) FROM generate_series(1, ?) g")) {
                ps.setInt(1, config.rows());
                ps.executeUpdate();
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM " + name + " WHERE id % 4 <> 0");
            }
        } catch (SQLException e) {
            throw new CanaryException("cannot plant " + config.schema() + "." + table + " on " + target + ": "
                    + e.getMessage(), e);
        }
    }

    private void ensureSchema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT has_schema_privilege(n.oid, 'CREATE'), pg_get_userbyid(n.nspowner), current_user::text
                  FROM pg_namespace n WHERE n.nspname = ?""")) {
            ps.setString(1, config.schema());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!rs.getBoolean(1)) {
                        throw new CanaryException("schema " + config.schema() + " exists (owner " + rs.getString(2)
                                + ") but role " + rs.getString(3) + " may not create tables in it: GRANT CREATE ON "
                                + "SCHEMA " + config.schema() + " TO " + rs.getString(3)
                                + ", or let the role own it (the canary touches nothing outside it)", null);
                    }
                    return;
                }
            }
        }
        String create;
        try (PreparedStatement ps = c.prepareStatement("SELECT format('CREATE SCHEMA %I', ?::text)")) {
            ps.setString(1, config.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                create = rs.getString(1);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute(create);
            LOG.infof("Canary: created schema %s (the only place the canary writes)", config.schema());
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new CanaryException("role may not create schema " + config.schema() + " (" + e.getMessage()
                        + "): GRANT CREATE ON DATABASE <database> TO <role>, or CREATE SCHEMA " + config.schema()
                        + " AUTHORIZATION <role> as a superuser", e);
            }
            throw e;
        }
    }

    private String quoted(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT format('%I.%I', ?::text, ?::text)")) {
            ps.setString(1, config.schema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** {@code n_dead_tup} of a run's table from {@code pg_stat_user_tables}; empty when the table is not there. */
    public Optional<Long> deadTuples(String target, UUID run) throws SQLException {
        try (Connection c = databases.connect(target, PURPOSE);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT n_dead_tup FROM pg_stat_user_tables WHERE schemaname = ? AND relname = ?")) {
            ps.setString(1, config.schema());
            ps.setString(2, tableOf(run));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Drops the canary tables of the schema ({@code canary_*}, owned by the connecting role) except those of the runs
     * in {@code keep} (running runs, maybe of another target id on the same database); returns the names dropped.
     * Never fails: a target that cannot be reached keeps its tables for the next run.
     */
    public List<String> dropAllBut(String target, java.util.Collection<UUID> keep) {
        List<String> dropped = new ArrayList<>();
        java.util.Set<String> kept = new java.util.HashSet<>();
        keep.forEach(run -> kept.add(tableOf(run)));
        try (Connection c = databases.connect(target, PURPOSE)) {
            List<String> statements = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.relname, format('DROP TABLE IF EXISTS %I.%I', n.nspname, c.relname)
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = ? AND c.relkind = 'r' AND c.relname LIKE 'canary\\_%'
                       AND pg_get_userbyid(c.relowner) = current_user""")) {
                ps.setString(1, config.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!kept.contains(rs.getString(1))) {
                            dropped.add(rs.getString(1));
                            statements.add(rs.getString(2));
                        }
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                for (String s : statements) {
                    st.execute(s);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Canary: could not drop the canary tables of %s (tried again after the next run): %s", target,
                    e.getMessage());
        }
        return dropped;
    }
}
