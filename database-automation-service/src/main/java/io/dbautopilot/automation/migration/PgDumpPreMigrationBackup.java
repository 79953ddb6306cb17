package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The default pre-migration backup: {@code pg_dump --format=custom} of the database into
 * {@code autopilot.migrations.backup.directory}, verified by reading its table of contents with
 * {@code pg_restore --list}. Restore it with {@code pg_restore -d <new database> <file>}.
 */
@DefaultBean
@ApplicationScoped
public class PgDumpPreMigrationBackup implements PreMigrationBackup {

    private static final Logger LOG = Logger.getLogger(PgDumpPreMigrationBackup.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final ManagedDatabases databases;
    private final MigrationsConfig config;
    private final PgTools tools;

    public PgDumpPreMigrationBackup(ManagedDatabases databases, MigrationsConfig config, PgTools tools) {
        this.databases = databases;
        this.config = config;
        this.tools = tools;
    }

    @Override
    public Backup backup(String databaseId, String label) throws BackupFailedException {
        Path pgDump = tools.find("pg_dump").orElseThrow(() -> new BackupFailedException(
                "pg_dump not found in " + tools.searched("pg_dump") + "; or disable the pre-migration backup with "
                        + "autopilot.migrations.backup.enabled=false"));
        Path pgRestore = tools.find("pg_restore").orElseThrow(() -> new BackupFailedException(
                "pg_restore (to verify the dump) not found in " + tools.searched("pg_restore")));
        ManagedDatabasesConfig.Database db = databases.settings(databaseId);
        String raw = db.url().startsWith("jdbc:") ? db.url().substring(5) : db.url();
        URI uri = URI.create(raw);
        String dbName = uri.getPath().substring(1);
        Path dir = Path.of(config.backupDirectory(), databaseId.replaceAll("[^A-Za-z0-9_.-]", "_")).toAbsolutePath();
        Path file = dir.resolve(STAMP.format(Instant.now()) + "-" + label.replaceAll("[^A-Za-z0-9_.-]", "_") + ".dump");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BackupFailedException("cannot create " + dir + " (autopilot.migrations.backup.directory): " + e.getMessage());
        }
        List<String> cmd = new ArrayList<>(List.of(pgDump.toString(), "--format=custom", "--no-password",
                "--host=" + uri.getHost(), "--port=" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
                "--file=" + file, "--dbname=" + dbName));
        db.username().ifPresent(u -> cmd.add("--username=" + u));
        String dumpOut = run(cmd, db, "pg_dump of " + databaseId);
        String list = run(List.of(pgRestore.toString(), "--list", file.toString()), db, "pg_restore --list of " + file);
        long entries = list.lines().filter(l -> !l.startsWith(";") && !l.isBlank()).count();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new BackupFailedException("dump " + file + " vanished: " + e.getMessage());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("format", "custom");
        details.put("verified_by", "pg_restore --list");
        details.put("toc_entries", entries);
        details.put("restore_with", "pg_restore --dbname=<new database> " + file);
        if (!dumpOut.isBlank()) {
            details.put("pg_dump_output", dumpOut.strip());
        }
        LOG.infof("Pre-migration backup of %s: %s (%d bytes, %d entries)", databaseId, file, size, entries);
        return new Backup("pg_dump", file.toString(), size, details);
    }

    private static String run(List<String> cmd, ManagedDatabasesConfig.Database db, String what) throws BackupFailedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        db.password().ifPresent(p -> pb.environment().put("PGPASSWORD", p));
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(1, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new BackupFailedException(what + " did not finish within an hour");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new BackupFailedException(what + " failed (exit " + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new BackupFailedException(what + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupFailedException(what + " interrupted");
        }
    }
}
