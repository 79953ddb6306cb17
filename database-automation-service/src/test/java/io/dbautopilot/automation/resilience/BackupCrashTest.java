package io.dbautopilot.automation.resilience;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.localstack.TempDirectories;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill the service during a backup: the packaged service runs a pg_basebackup of a few hundred MB as a child JVM
 * and is SIGKILLed once the catalog shows progress; the killed backup is never marked completed, a second process
 * retries the interrupted operation, marks the killed backup failed, removes its partial files, and the retried
 * backup completes and verifies; once it is back, no pg_basebackup process (the {@code -X stream} child included),
 * walsender or temporary replication slot of the killed instance remains.
 */
class BackupCrashTest {

    @Test
    void aBackupOfAKilledInstanceIsNeverCompletedItsFilesAreRemovedAndTheNextOneSucceeds() throws Exception {
        Path dir = Files.createTempDirectory("dbautopilot-backup-crash-");
        try (Infrastructure infra = new Infrastructure()) {
            this.infra = infra;
            infra.postgres.execute(Infrastructure.TARGET_DB,
                    "CREATE TABLE public.big (id bigint PRIMARY KEY, pad text)",
                    "INSERT INTO public.big SELECT g, md5(g::text) || repeat('y', 120) FROM generate_series(1, 1500000) g");
            Map<String, String> first = settings(infra, "backup-a", dir);
            UUID op;
            UUID killed;
            String partial;
            try (ServiceProcess a = ServiceProcess.start("backup-a", first)) {
                HttpResponse<String> created = a.post("/api/backups", Infrastructure.OPERATOR_KEY,
                        "{\"database\":\"demo\",\"engine\":\"pg_basebackup\",\"type\":\"full\"}");
                assertEquals(202, created.statusCode(), created.body());
                op = UUID.fromString(new ObjectMapper().readTree(created.body()).path("id").asText());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> infra.stateValue(
                        "SELECT backup_id FROM automation.backup WHERE operation_id = ? AND status = 'running' "
                                + "AND progress_percent > 0 AND progress_percent < 100", op) != null);
                killed = (UUID) infra.stateValue("SELECT backup_id FROM automation.backup WHERE operation_id = ?", op);
                partial = (String) infra.stateValue("SELECT location FROM automation.backup WHERE backup_id = ?", killed);
                a.kill();
                assertFalse(a.alive());
            }
            assertTrue(Files.isDirectory(Path.of(partial)), "partial files were left by the killed instance");
            assertEquals("running", infra.stateValue("SELECT status FROM automation.backup WHERE backup_id = ?", killed));

            try (ServiceProcess b = ServiceProcess.start("backup-b", settings(infra, "backup-b", dir))) {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> "succeeded".equals(
                        infra.stateValue("SELECT status FROM automation.operation WHERE id = ?", op)));
                assertEquals("failed", infra.stateValue("SELECT status FROM automation.backup WHERE backup_id = ?", killed));
                String error = (String) infra.stateValue("SELECT error FROM automation.backup WHERE backup_id = ?", killed);
                assertTrue(error.contains("interrupted"), error);
                assertFalse(Files.exists(Path.of(partial)), "partial files removed");
                assertEquals(1L, ((Number) infra.stateValue("SELECT count(*) FROM automation.backup WHERE operation_id = ? "
                        + "AND status = 'completed'", op)).longValue(), "exactly one completed backup: the retry's");
                assertEquals(1, ((Number) infra.stateValue("SELECT interruptions FROM automation.operation WHERE id = ?", op))
                        .intValue());
                String verification = (String) infra.stateValue("SELECT verification FROM automation.backup "
                        + "WHERE operation_id = ? AND status = 'completed'", op);
                assertTrue(verification.contains("pg_verifybackup"), verification);
                // nothing of the killed instance's pg_basebackup survives: no process, walsender or temporary slot
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    assertEquals(List.of(), leftoverTools(dir), "pg_basebackup processes of the killed instance");
                    assertEquals(0L, targetCount("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'"),
                            "walsenders");
                    assertEquals(0L, targetCount("SELECT count(*) FROM pg_replication_slots WHERE temporary"),
                            "temporary replication slots");
                });
            }
        } finally {
            TempDirectories.deleteRecursively(dir);
        }
    }

    private Infrastructure infra;

    private long targetCount(String sql) throws Exception {
        try (var c = infra.postgres.connect(Infrastructure.TARGET_DB); var st = c.createStatement();
             var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Live processes whose command line names the backup directory (pg_basebackup and its WAL streamer). */
    private static List<String> leftoverTools(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/pg_basebackup"))
                .map(h -> h.info().commandLine().orElse(""))
                .filter(cmd -> cmd.contains(dir.toString())).toList();
    }

    private static Map<String, String> settings(Infrastructure infra, String name, Path dir) {
        Map<String, String> s = infra.settings(name);
        infra.manage(s, "demo", "10s");
        s.put("autopilot.backup.directory", dir.toString());
        s.put("autopilot.backup.databases.demo.engine", "pg_basebackup");
        s.put("autopilot.backup.progress-interval", "100ms");
        return s;
    }
}
