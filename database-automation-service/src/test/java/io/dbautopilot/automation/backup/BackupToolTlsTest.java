package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.ArchiveCommand;
import io.dbautopilot.automation.backup.engine.BackupTarget;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.support.tool.ToolProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target URL's TLS parameters reach pg_dump and pg_basebackup (a server without TLS refuses {@code
 * sslmode=require}, proving the setting arrived; without it the same call works), and the pgBackRest
 * {@code archive_command} survives a shell with a space, a quote and a percent sign in the config path.
 */
class BackupToolTlsTest {

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void cluster() {
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void sslmodeOfTheUrlReachesTheTools(@TempDir Path dir) throws Exception {
        Path pgDump = postgres.binaries().tool("pg_dump");
        Path pgBaseBackup = postgres.binaries().tool("pg_basebackup");
        for (Map<String, String> params : List.of(Map.of("sslmode", "require"), Map.of("ssl", "true"))) {
            BackupTarget t = target(params);
            assertFalse(t.libpqArgs().toString().contains("ssl"), "TLS settings never on the command line");
            ToolProcess.Result dump = run(pgDump, t, List.of("-d", "postgres", "-f", dir.resolve("d.sql").toString()));
            assertFalse(dump.ok());
            assertTrue(dump.output().contains("SSL was required"), dump.output());
            ToolProcess.Result base = run(pgBaseBackup, t, List.of("-D", dir.resolve("base").toString(), "-Ft"));
            assertFalse(base.ok());
            assertTrue(base.output().contains("SSL was required"), base.output());
        }
        ToolProcess.Result plain = run(pgDump, target(Map.of("sslmode", "disable")),
                List.of("-d", "postgres", "-f", dir.resolve("ok.sql").toString()));
        assertTrue(plain.ok(), plain.output());
    }

    @Test
    void archiveCommandQuotesItsConfigPath(@TempDir Path dir) throws Exception {
        Path odd = Files.createDirectories(dir.resolve("it's a %dir"));
        Path program = odd.resolve("fake pgbackrest");
        Files.writeString(program, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        Path config = odd.resolve("pgbackrest's.conf");
        String command = ArchiveCommand.pgbackrestPush(program.toString(), config.toString(), "vault");
        // as PostgreSQL runs it: %p and %% replaced, then /bin/sh -c
        String expanded = command.replace("%p", "pg_wal/000000010000000000000001").replace("%%", "%");
        ToolProcess.Result r = ToolProcess.of(List.of("/bin/sh", "-c", expanded)).run(Duration.ofSeconds(10));
        assertTrue(r.ok(), r.output());
        assertEquals(List.of("--config=" + config, "--stanza=vault", "archive-push", "pg_wal/000000010000000000000001"),
                r.tail());
    }

    private static BackupTarget target(Map<String, String> params) {
        return new BackupTarget("tls", postgres.host(), postgres.port(), "postgres", Optional.of(postgres.user()),
                Optional.of(postgres.password()), 150000, null, null, null, null, Path.of("/nonexistent"),
                Optional.empty(), "tls", Optional.empty(), false, 1, Optional.empty(), () -> postgres.connect("postgres"),
                params, null);
    }

    private static ToolProcess.Result run(Path tool, BackupTarget t, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(tool.toString()));
        cmd.addAll(t.libpqArgs());
        cmd.addAll(args);
        cmd.add("--no-password");
        return new ToolProcess(cmd, t.libpqEnv(), Optional.empty(), null).run(Duration.ofSeconds(60));
    }
}
