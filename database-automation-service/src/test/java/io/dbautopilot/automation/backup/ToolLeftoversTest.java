package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.support.tool.ToolSupervision;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an earlier, killed incarnation left running when neither the parent-death signal nor the watchdog stopped it:
 * a real, throttled {@code pg_basebackup -X stream} in its own process group, with the pid file the service writes for
 * a running tool and an owner JVM that is gone, is stopped by the start-up sweep (group, walsenders and temporary slot
 * gone); a real {@code pg_receivewal} under the tools' application_name without a pid file (an incarnation on another
 * host) has its walsender terminated by the next base backup, which completes.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(value = BackupTestResource.class, initArgs = @io.quarkus.test.common.ResourceArg(name = "triggers", value = "true"))
class ToolLeftoversTest {

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    ToolLeftovers leftovers;

    @Inject
    BackupTools tools;

    @Inject
    BackupConfig config;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void kill() {
        started.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    @Test
    void theStartUpSweepStopsAToolGroupLeftByAKilledInstance() throws Exception {
        assertTrue(ToolSupervision.available(), "setsid/setpriv (util-linux) are installed, as the service needs");
        // the earlier JVM: a process that is gone by the time of the sweep (its pid and start time in the pid file)
        Process owner = new ProcessBuilder("sleep", "600").start();
        String ownerStart = owner.info().startInstant().orElseThrow().toString();
        long ownerPid = owner.pid();
        owner.destroyForcibly().waitFor();

        // the tool it ran: leader of its own session and process group, throttled so it keeps streaming
        Path out = Files.createTempDirectory("leftover-basebackup");
        ProcessBuilder pb = new ProcessBuilder("setsid", tools.tool("pg_basebackup").toString(), "-h", postgres.host(),
                "-p", Integer.toString(postgres.port()), "-U", postgres.user(), "-D", out.resolve("b").toString(), "-Ft",
                "-X", "stream", "--max-rate=32k", "--checkpoint=fast", "--no-password")
                .redirectErrorStream(true).redirectOutput(out.resolve("tool.log").toFile());
        pb.environment().put("PGPASSWORD", postgres.password());
        pb.environment().put("PGAPPNAME", BackupTarget.TOOL_APPLICATION_NAME);
        Process tool = pb.start();
        started.add(tool);
        long group = tool.pid(); // setsid from a non-leader execs in place: the tool leads its group
        await().atMost(Duration.ofSeconds(60)).until(() -> walsenders().size() >= 2);
        assertTrue(tool.descendants().findAny().isPresent(), "pg_basebackup forked its WAL streamer");
        assertTrue(temporarySlots() >= 1, "the WAL stream holds a temporary replication slot");

        Path registry = Path.of(config.directory()).resolve(".tools").resolve(host());
        Files.createDirectories(registry);
        Path pidFile = registry.resolve(group + ".tool");
        Files.writeString(pidFile, ownerPid + " " + ownerStart + " " + group + " "
                + tool.info().startInstant().orElseThrow() + "\n", StandardCharsets.UTF_8);

        leftovers.sweep(null); // what the start-up event runs, before any operation is retried

        // killed: no running member left (an orphaned member may stay a zombie until PID 1 of this machine reaps it)
        await().atMost(Duration.ofSeconds(30)).until(() -> runningMembers(group).isEmpty());
        assertFalse(tool.isAlive());
        assertFalse(Files.exists(pidFile), "the pid file is removed");
        await().atMost(Duration.ofSeconds(60)).until(() -> walsenders().isEmpty() && temporarySlots() == 0);
    }

    @Test
    void aBaseBackupTerminatesOurWalsendersLeftWithoutAPidFile() throws Exception {
        Path out = Files.createTempDirectory("leftover-receivewal");
        ProcessBuilder pb = new ProcessBuilder(tools.tool("pg_receivewal").toString(), "-h", postgres.host(), "-p",
                Integer.toString(postgres.port()), "-U", postgres.user(), "-D", out.toString(), "--no-loop",
                "--no-password").redirectErrorStream(true).redirectOutput(out.resolve("tool.log").toFile());
        pb.environment().put("PGPASSWORD", postgres.password());
        pb.environment().put("PGAPPNAME", BackupTarget.TOOL_APPLICATION_NAME);
        Process receiver = pb.start();
        started.add(receiver);
        await().atMost(Duration.ofSeconds(30)).until(() -> walsenders().size() == 1);
        int leftover = walsenders().get(0);

        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            UUID op = BackupEnginesTest.request("{\"database\":\"demo\",\"engine\":\"pg_basebackup\",\"type\":\"full\"}");
            List<JsonNode> seen = events.until(op, "succeeded");
            assertEquals("completed", seen.get(seen.size() - 1).path("details").path("effect").path("backup_status")
                    .asText());
        }
        assertFalse(walsenders().contains(leftover), "the leftover walsender " + leftover + " was terminated");
        assertTrue(receiver.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "pg_receivewal lost its stream and ended");
        assertEquals(List.of(), walsenders(), "no walsender of our tools remains");
    }

    /** Walsender pids under the tools' application_name. */
    private List<Integer> walsenders() throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE backend_type = 'walsender' "
                     + "AND application_name = '" + BackupTarget.TOOL_APPLICATION_NAME + "'")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
    }

    private long temporarySlots() throws Exception {
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE temporary")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Pids of the processes of a process group that are not zombies ({@code /proc/<pid>/stat}). */
    private static List<Long> runningMembers(long group) throws Exception {
        List<Long> pids = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(rest[2]) == group && !"Z".equals(rest[0])) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (java.io.IOException gone) {
                    // ended while listed
                }
            }
        }
        return pids;
    }

    private static String host() throws Exception {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
