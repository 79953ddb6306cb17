package io.dbautopilot.automation.backup.engine;

import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Before a backup (the database's heavy slot is held, so no other backup of ours runs on it): terminates the server
 * sessions of our client tools left by a killed instance and waits until they are gone. The tools themselves die with
 * the JVM (ToolSupervision), but a backend waiting on a lock does not notice its client is gone: a base backup's
 * walsenders keep their temporary replication slots, and a pg_dump's backend waits on, then reads the whole database
 * for nobody, beside the retried backup.
 */
final class ToolSessionLeftovers {

    private static final Logger LOG = Logger.getLogger(ToolSessionLeftovers.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ToolSessionLeftovers() {
    }

    /** Before a base backup: our tools' walsenders (any database) and their temporary replication slots. */
    static void stopWalSenders(BackupTarget t) throws BackupEngine.BackupFailure {
        stop(t, "walsender", false);
    }

    /** Before a pg_dump backup: our tools' client backends in the target's database. */
    static void stopDumpSessions(BackupTarget t) throws BackupEngine.BackupFailure {
        stop(t, "client backend", true);
    }

    private static void stop(BackupTarget t, String backendType, boolean thisDatabase) throws BackupEngine.BackupFailure {
        try (Connection c = t.connector().open()) {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE backend_type = ? AND application_name = ? AND pid <> pg_backend_pid()
                       AND (NOT ? OR datname = current_database())""")) {
                ps.setString(1, backendType);
                ps.setString(2, BackupTarget.TOOL_APPLICATION_NAME);
                ps.setBoolean(3, thisDatabase);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pids.add(rs.getInt(1));
                    }
                }
            }
            if (pids.isEmpty()) {
                return;
            }
            LOG.warnf("Terminated %d %s session(s) of our backup tools on %s left by an earlier, killed backup: pids %s",
                    pids.size(), backendType, t.databaseId(), pids);
            Instant giveUp = Instant.now().plus(WAIT);
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?))
                         + (SELECT count(*) FROM pg_replication_slots WHERE temporary AND active_pid = ANY (?))""")) {
                Integer[] a = pids.toArray(Integer[]::new);
                ps.setArray(1, c.createArrayOf("int4", a));
                ps.setArray(2, c.createArrayOf("int4", a));
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return;
                        }
                    }
                    if (Instant.now().isAfter(giveUp)) {
                        throw new BackupEngine.BackupFailure(backendType + " sessions " + pids + " of an earlier backup of "
                                + t.databaseId() + " did not end within " + WAIT.toSeconds() + " s");
                    }
                    Thread.sleep(200);
                }
            }
        } catch (SQLException e) {
            throw new BackupEngine.BackupFailure("cannot check for sessions of an earlier backup of " + t.databaseId()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupEngine.BackupFailure("interrupted while stopping an earlier backup's sessions", e);
        }
    }
}
