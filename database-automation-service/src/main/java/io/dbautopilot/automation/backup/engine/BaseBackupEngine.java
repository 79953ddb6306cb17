package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.support.tool.ToolProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pg_basebackup: full physical backup in tar format (gzip), WAL streamed into it, with a backup manifest; verified
 * by the SHA-256 of the stored files and by {@code pg_verifybackup} on an extracted copy (PostgreSQL 15's
 * pg_verifybackup reads plain format only). Incremental backups need PostgreSQL 17 on both server and client.
 */
@ApplicationScoped
public class BaseBackupEngine implements BackupEngine {

    private static final Pattern PROGRESS = Pattern.compile("(\\d+)/(\\d+) kB \\((\\d+)%\\)");
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Duration SHORT = Duration.ofMinutes(30);

    private final BackupTools tools;
    private final ObjectMapper json = new ObjectMapper();

    public BaseBackupEngine(BackupTools tools) {
        this.tools = tools;
    }

    @Override
    public EngineKind kind() {
        return EngineKind.PG_BASEBACKUP;
    }

    @Override
    public Optional<String> unsupported(BackupTarget t, BackupType type) {
        return switch (type) {
            case FULL -> Optional.empty();
            case INCREMENTAL -> t.serverMajor() >= 17 && tools.clientMajor() >= 17 ? Optional.of(
                    "incremental pg_basebackup (PostgreSQL 17+) is not implemented yet: use engine pgbackrest")
                    : Optional.of("incremental pg_basebackup needs PostgreSQL 17 or newer (server is " + t.serverMajor()
                    + ", client tools " + tools.clientMajor() + "): use engine pgbackrest for incremental backups");
            case DIFFERENTIAL -> Optional.of("pg_basebackup has no differential backups: use engine pgbackrest");
            case LOGICAL -> Optional.of("pg_basebackup takes physical backups: use engine pg_dump for a logical backup");
        };
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        String name = NAME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = t.home().resolve("basebackup").resolve(name);
        try {
            StoredFiles.directory(t.home(), t.osUser()); // pgBackRest and restores run as the cluster's OS user there
            StoredFiles.directory(dir.getParent(), Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir.getParent() + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        ToolSessionLeftovers.stopWalSenders(t);
        List<String> cmd = new ArrayList<>(List.of(tools.tool("pg_basebackup").toString()));
        cmd.addAll(t.libpqArgs());
        cmd.addAll(List.of("-D", dir.toString(), "-Ft", "--compress=client-gzip:1", "-X", "stream", "--progress",
                "--checkpoint=fast", "--label=db-autopilot " + t.databaseId(), "--manifest-checksums=CRC32C",
                "--no-password"));
        ToolProcess.Result r;
        try {
            r = new ToolProcess(cmd, t.libpqEnv(), Optional.empty(), null).run(line -> {
                Matcher m = PROGRESS.matcher(line);
                if (m.find()) {
                    progress.report(Double.parseDouble(m.group(3)), Long.parseLong(m.group(1)) * 1024,
                            Long.parseLong(m.group(2)) * 1024);
                }
            }, stop, deadline);
        } catch (IOException e) {
            throw new BackupFailure("cannot run pg_basebackup: " + e.getMessage(), e);
        }
        if (!r.ok()) {
            cleanDir(dir);
            throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                    : "pg_basebackup exited with " + r.exitCode() + ": " + r.output());
        }
        try {
            StoredFiles.restrict(dir);
            JsonNode manifest = json.readTree(dir.resolve("backup_manifest").toFile());
            long dataBytes = 0;
            for (JsonNode f : manifest.path("Files")) {
                dataBytes += f.path("Size").asLong();
            }
            JsonNode wal = manifest.path("WAL-Ranges").path(0);
            return new EngineResult(BackupType.FULL, name, null, dir.toString(), dataBytes, StoredFiles.size(dir), null,
                    null, wal.path("Start-LSN").asText(null), wal.path("End-LSN").asText(null), StoredFiles.sha256(dir));
        } catch (IOException e) {
            throw new BackupFailure("pg_basebackup finished but its output in " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Verification verify(BackupTarget t, Backup backup) throws BackupFailure {
        Path dir = Path.of(backup.location());
        if (!Files.isDirectory(dir)) {
            return new Verification(false, "backup directory " + dir + " is missing");
        }
        try {
            String sum = StoredFiles.sha256(dir);
            if (backup.checksum() != null && !backup.checksum().equals(sum)) {
                return new Verification(false, "checksum mismatch: the stored files changed since the backup (recorded "
                        + backup.checksum() + ", now " + sum + ")");
            }
        } catch (IOException e) {
            return new Verification(false, "cannot read the stored files: " + e.getMessage());
        }
        Path scratch = dir.resolveSibling(dir.getFileName() + ".verify");
        try {
            StoredFiles.delete(scratch);
            extract(dir, scratch, () -> false, Instant.now().plus(SHORT));
            ToolProcess.Result r = new ToolProcess(List.of(tools.tool("pg_verifybackup").toString(), "-m",
                    dir.resolve("backup_manifest").toString(), "-n", scratch.toString()), Map.of(), Optional.empty(), null)
                    .run(SHORT);
            return r.ok() ? new Verification(true, "checksum ok; pg_verifybackup: " + String.join(" ", r.tail()).trim())
                    : new Verification(false, "pg_verifybackup: " + r.output());
        } catch (BackupFailure e) {
            return new Verification(false, e.getMessage());
        } catch (IOException e) {
            throw new BackupFailure("cannot run pg_verifybackup: " + e.getMessage(), e);
        } finally {
            cleanDir(scratch);
        }
    }

    @Override
    public void remove(BackupTarget t, Backup backup) throws BackupFailure {
        try {
            StoredFiles.delete(Path.of(backup.location()));
        } catch (IOException e) {
            throw new BackupFailure("cannot remove " + backup.location() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanPartial(BackupTarget t, Backup backup) {
        if (backup.location() != null) {
            cleanDir(Path.of(backup.location()));
            cleanDir(Path.of(backup.location() + ".verify"));
        }
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, Optional<Instant> targetTime, BooleanSupplier stop,
                        Instant deadline) throws BackupFailure {
        if (targetTime.isPresent()) {
            throw new BackupFailure("point-in-time restore needs WAL archiving: use engine pgbackrest");
        }
        extract(Path.of(backup.location()), dataDir, stop, deadline);
        try {
            StoredFiles.ownTree(dataDir, t.osUser());
        } catch (IOException e) {
            throw new BackupFailure("cannot hand " + dataDir + " to " + t.osUser().orElse("") + ": " + e.getMessage(), e);
        }
    }

    /** Extracts base.tar.gz and pg_wal.tar.gz into a data directory. */
    private void extract(Path backupDir, Path dataDir, BooleanSupplier stop, Instant deadline) throws BackupFailure {
        try {
            Files.createDirectories(dataDir.resolve("pg_wal"));
            for (String[] part : new String[][] {{"base.tar.gz", ""}, {"pg_wal.tar.gz", "pg_wal"}}) {
                Path tar = backupDir.resolve(part[0]);
                if (!Files.exists(tar)) {
                    throw new BackupFailure(part[0] + " is missing in " + backupDir);
                }
                ToolProcess.Result r = new ToolProcess(List.of("tar", "-xzf", tar.toString(), "-C",
                        dataDir.resolve(part[1]).toString()), Map.of(), Optional.empty(), null).run(l -> { }, stop, deadline);
                if (!r.ok()) {
                    throw new BackupFailure("cannot extract " + part[0] + ": " + r.output());
                }
            }
            Files.setPosixFilePermissions(dataDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new BackupFailure("cannot extract the backup into " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void cleanDir(Path dir) {
        try {
            StoredFiles.delete(dir);
        } catch (IOException e) {
            // left for the next clean-up
        }
    }
}
