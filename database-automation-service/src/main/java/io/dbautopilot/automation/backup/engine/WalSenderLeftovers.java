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
 * Before a base backup (the database's heavy slot is held, so no other backup of ours runs on it): terminates
 * walsenders of our tools left by a killed instance, whose temporary replication slots go with them, and waits
 * until they and their slots are gone.
 */
final class WalSenderLeftovers {

    private static final Logger LOG = Logger.getLogger(WalSenderLeftovers.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private WalSenderLeftovers() {
    }

    static void stop(BackupTarget t) throws BackupEngine.BackupFailure {
        try (Connection c = t.connector().open()) {
            List<Integer> pids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE backend_type = 'walsender' AND application_name = ?""")) {
                ps.setString(1, BackupTarget.TOOL_APPLICATION_NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pids.add(rs.getInt(1));
                    }
                }
            }
            if (pids.isEmpty()) {
                return;
            }
            LOG.warnf("Terminated %d walsender(s) of %s left by an earlier, killed backup: pids %s", pids.size(),
                    t.databaseId(), pids);
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
                        throw new BackupEngine.BackupFailure("walsenders " + pids + " of an earlier backup of "
                                + t.databaseId() + " did not end within " + WAIT.toSeconds() + " s");
                    }
                    Thread.sleep(200);
                }
            }
        } catch (SQLException e) {
            throw new BackupEngine.BackupFailure("cannot check for walsenders of an earlier backup of " + t.databaseId()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupEngine.BackupFailure("interrupted while stopping an earlier backup's walsenders", e);
        }
    }
}
