package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.support.tool.ToolProcess;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * mariadb-dump: logical backup of a MySQL / MariaDB target's database in one consistent snapshot
 * ({@code --single-transaction}, routines, triggers, events, binary columns in hex); progress = tables dumped of the
 * tables the source lists; verified by the files' SHA-256 and a load into a scratch MariaDB server whose
 * {@code CHECKSUM TABLE}s must equal the source's at backup time.
 */
@Singleton // no client proxy: the shared base class has no no-args constructor
public class MariaDbDumpEngine extends MariaDbEngineBase {

    public MariaDbDumpEngine(BackupTools tools) {
        super(tools);
    }

    @Override
    public EngineKind kind() {
        return EngineKind.MARIADB_DUMP;
    }

    @Override
    public Optional<String> unsupported(BackupTarget t, BackupType type) {
        return type == BackupType.LOGICAL ? Optional.empty()
                : Optional.of("mariadb_dump takes logical backups only (type logical); use engine mariadb_backup for "
                + type.wire() + " backups");
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        String name = newName();
        Path dir = t.home().resolve("mariadb_dump").resolve(name);
        Path file = dir.resolve(dumpName(t.database()));
        try {
            StoredFiles.directory(t.home(), Optional.empty());
            StoredFiles.directory(dir.getParent(), Optional.empty());
            StoredFiles.directory(dir, Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        Map<String, String> before = sourceChecksums(t);
        Path options = null;
        try {
            options = MariaDbClientFiles.optionFile(t, optionDir(t));
            List<String> cmd = new ArrayList<>(List.of(tools.tool("mariadb-dump").toString(),
                    "--defaults-file=" + options, "--single-transaction", "--routines", "--triggers", "--events",
                    "--hex-blob", "--quick", "--verbose", "--result-file=" + file, t.database()));
            long[] dumped = new long[1];
            int tables = before.size();
            ToolProcess.Result r = new ToolProcess(cmd, Map.of(), Optional.empty(), null).run(line -> {
                if (line.contains("Retrieving table structure for table")) {
                    dumped[0]++;
                    progress.report(tables == 0 ? 100.0 : Math.min(99.0, 100.0 * dumped[0] / tables), null, null);
                }
            }, stop, deadline);
            if (!r.ok()) {
                StoredFiles.deleteQuietly(dir);
                throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                        : "mariadb-dump exited with " + r.exitCode() + ": " + r.output());
            }
            TableChecksums.write(dir, TableChecksums.recorded(t.database(), before, sourceChecksums(t)));
            StoredFiles.restrict(dir);
            return new EngineResult(BackupType.LOGICAL, name, null, dir.toString(), dataSize(t, t.database()),
                    StoredFiles.size(dir), null, null, null, null, StoredFiles.sha256(dir));
        } catch (IOException e) {
            StoredFiles.deleteQuietly(dir);
            throw new BackupFailure("mariadb-dump backup of '" + t.databaseId() + "' failed: " + e.getMessage(), e);
        } finally {
            MariaDbClientFiles.delete(options);
        }
    }

    /** The dump file's name for a database (anything but letters, digits, {@code _ -} replaced). */
    public static String dumpName(String database) {
        return database.replaceAll("[^A-Za-z0-9_-]", "_") + ".sql";
    }

    @Override
    protected ScratchMariaDb restoreAndStart(BackupTarget t, Backup backup, Path work, Map<String, Object> checks,
                                             BooleanSupplier stop, Instant deadline) throws BackupFailure, IOException {
        Path data = work.resolve("data");
        StoredFiles.directory(data, Optional.empty());
        ScratchMariaDb.initialise(tools.tool("mariadb-install-db"), data, stop, deadline);
        ScratchMariaDb server = ScratchMariaDb.start(tools.tool("mariadbd"), tools.tool("mariadb"), data, stop, deadline);
        try {
            String database = TableChecksums.read(Path.of(backup.location())).database();
            Instant load = Instant.now();
            server.run(null, "CREATE DATABASE " + "`" + database.replace("`", "``") + "`;\n", stop, deadline);
            server.source(database, dumpFile(Path.of(backup.location())), stop, deadline);
            checks.put("load_ms", java.time.Duration.between(load, Instant.now()).toMillis());
            return server;
        } catch (BackupFailure | IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The dump file of a backup directory. */
    static Path dumpFile(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".sql")).findFirst()
                    .orElseThrow(() -> new IOException("no .sql dump in " + dir));
        }
    }
}
