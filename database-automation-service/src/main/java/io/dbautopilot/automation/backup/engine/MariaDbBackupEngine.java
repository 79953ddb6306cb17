package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.tool.ToolProcess;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mariadb-backup: physical full and incremental backups of a MariaDB server running on this machine (it copies the
 * server's data directory, so that directory must be here and readable); each stored unprepared (so the next
 * incremental can build on it) with the source's {@code CHECKSUM TABLE}s beside it, and verified by copying its
 * chain, {@code --prepare} of the full and each incremental in order, {@code --move-back} into a new data directory,
 * a scratch server on it, and the checksum comparison.
 */
@Singleton // no client proxy: the shared base class has no no-args constructor
public class MariaDbBackupEngine extends MariaDbEngineBase {

    private static final Pattern TOOL_VERSION = Pattern.compile("server (\\d+)\\.(\\d+)");
    private static final Pattern LSN = Pattern.compile("^(from_lsn|to_lsn)\\s*=\\s*(\\d+)");

    private final BackupCatalog catalog;

    public MariaDbBackupEngine(BackupTools tools, BackupCatalog catalog) {
        super(tools);
        this.catalog = catalog;
    }

    @Override
    public EngineKind kind() {
        return EngineKind.MARIADB_BACKUP;
    }

    @Override
    public Optional<String> unsupported(BackupTarget t, BackupType type) {
        if (type != BackupType.FULL && type != BackupType.INCREMENTAL) {
            return Optional.of("mariadb_backup takes full and incremental backups; use engine mariadb_dump for "
                    + type.wire() + " backups");
        }
        if (t.engine() == Engine.MYSQL) {
            return Optional.of("mariadb_backup backs up MariaDB servers only: '" + t.databaseId()
                    + "' is MySQL (use engine mariadb_dump)");
        }
        return sameHost(t).or(() -> versionMismatch(t));
    }

    /**
     * Why the target's data directory is not usable from here: mariadb-backup copies the server's files, so the
     * server must run on this machine; empty when it does.
     */
    public static Optional<String> sameHost(BackupTarget t) {
        String prefix = "mariadb_backup needs the server's data directory on this machine: ";
        if (!isLocal(t.host())) {
            return Optional.of(prefix + "'" + t.databaseId() + "' runs on " + t.host()
                    + ", not on this host (use engine mariadb_dump)");
        }
        if (t.dataDirectory() == null || t.dataDirectory().isBlank()) {
            return Optional.of(prefix + "'" + t.databaseId() + "' reported no datadir");
        }
        Path dir = Path.of(t.dataDirectory());
        if (!Files.isDirectory(dir)) {
            return Optional.of(prefix + "datadir " + dir + " of '" + t.databaseId() + "' is not here (a server in a "
                    + "container or on another host; set autopilot.backup.databases." + t.databaseId()
                    + ".data-directory if it is mounted elsewhere, or use engine mariadb_dump)");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            return Optional.of(prefix + "datadir " + dir + " of '" + t.databaseId() + "' is not readable by the "
                    + "service's OS user " + System.getProperty("user.name"));
        }
        return Optional.empty();
    }

    private static boolean isLocal(String host) {
        if (host == null) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** mariadb-backup must be of the server's major.minor version (10.11 backs up 10.11 only). */
    private Optional<String> versionMismatch(BackupTarget t) {
        BackupTools.EngineAvailability a = tools.engine(EngineKind.MARIADB_BACKUP);
        Matcher m = TOOL_VERSION.matcher(a == null || a.version() == null ? "" : a.version());
        if (!m.find() || t.serverVersionNum() <= 0) {
            return Optional.empty();
        }
        int tool = Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2));
        int server = t.serverVersionNum() / 100;
        return tool == server ? Optional.empty()
                : Optional.of("mariadb-backup is of MariaDB " + m.group(1) + "." + m.group(2) + ", '" + t.databaseId()
                + "' runs " + server / 100 + "." + server % 100 + ": install the mariadb-backup of the server's version");
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        Optional<String> why = unsupported(t, type);
        if (why.isPresent()) {
            throw new BackupFailure(why.get());
        }
        Optional<Backup> parent = type == BackupType.INCREMENTAL ? newestStored(t.databaseId()) : Optional.empty();
        BackupType taken = parent.isPresent() ? BackupType.INCREMENTAL : BackupType.FULL;
        String name = newName();
        Path dir = t.home().resolve("mariadb_backup").resolve(name);
        Path data = dir.resolve("data");
        try {
            StoredFiles.directory(t.home(), Optional.empty());
            StoredFiles.directory(dir.getParent(), Optional.empty());
            StoredFiles.directory(dir, Optional.empty());
        } catch (IOException e) {
            throw new BackupFailure("cannot create " + dir + ": " + e.getMessage(), e);
        }
        progress.location(dir.toString());
        Map<String, String> before = sourceChecksums(t);
        long files = countFiles(Path.of(t.dataDirectory()));
        Path options = null;
        try {
            options = MariaDbClientFiles.optionFile(t, optionDir(t));
            List<String> cmd = new ArrayList<>(List.of(tools.tool("mariadb-backup").toString(),
                    "--defaults-file=" + options, "--backup", "--target-dir=" + data,
                    "--datadir=" + t.dataDirectory()));
            if (parent.isPresent()) {
                cmd.add("--incremental-basedir=" + Path.of(parent.get().location()).resolve("data"));
            }
            long[] copied = new long[1];
            boolean[] completed = new boolean[1];
            ToolProcess.Result r = new ToolProcess(cmd, Map.of(), Optional.empty(), null).run(line -> {
                if (line.contains("Copying ")) {
                    copied[0]++;
                    progress.report(files == 0 ? 0 : Math.min(99.0, 100.0 * copied[0] / files), null, null);
                }
                if (line.contains("completed OK!")) {
                    completed[0] = true;
                }
            }, stop, deadline);
            if (!r.ok() || !completed[0]) {
                StoredFiles.deleteQuietly(dir);
                throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                        : "mariadb-backup exited with " + r.exitCode() + (completed[0] ? "" : " without 'completed OK!'")
                        + ": " + r.output());
            }
            TableChecksums.write(dir, TableChecksums.recorded(t.database(), before, sourceChecksums(t)));
            StoredFiles.restrict(dir);
            Map<String, String> lsn = checkpoints(data);
            return new EngineResult(taken, name, parent.map(Backup::label).orElse(null), dir.toString(),
                    dataSize(t, null), StoredFiles.size(dir), null, null, lsn.get("from_lsn"), lsn.get("to_lsn"),
                    StoredFiles.sha256(dir));
        } catch (IOException e) {
            StoredFiles.deleteQuietly(dir);
            throw new BackupFailure("mariadb-backup of '" + t.databaseId() + "' failed: " + e.getMessage(), e);
        } finally {
            MariaDbClientFiles.delete(options);
        }
    }

    /** The newest completed mariadb-backup backup of a database whose files are there: the next incremental's base. */
    private Optional<Backup> newestStored(String databaseId) {
        List<Backup> done = new ArrayList<>(catalog.completed(databaseId).stream()
                .filter(b -> b.engine() == EngineKind.MARIADB_BACKUP && b.location() != null)
                .filter(b -> Files.isDirectory(Path.of(b.location()).resolve("data"))).toList());
        Collections.reverse(done);
        return done.stream().findFirst();
    }

    /** {@code from_lsn} and {@code to_lsn} of {@code xtrabackup_checkpoints}. */
    private static Map<String, String> checkpoints(Path data) {
        Map<String, String> out = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(data.resolve("xtrabackup_checkpoints"))) {
                Matcher m = LSN.matcher(line.trim());
                if (m.find()) {
                    out.put(m.group(1), m.group(2));
                }
            }
        } catch (IOException e) {
            // LSNs are informational
        }
        return out;
    }

    private static long countFiles(Path dir) {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Override
    protected List<Backup> chain(Backup backup) throws BackupFailure {
        List<Backup> chain = new ArrayList<>();
        Backup current = backup;
        while (current != null) {
            chain.add(0, current);
            if (current.parentId() == null) {
                return chain;
            }
            UUID parentId = current.parentId();
            current = catalog.find(parentId).orElseThrow(() -> new BackupFailure("backup " + backup.backupId()
                    + " depends on backup " + parentId + ", which is no longer in the catalog"));
            if (chain.size() > 10_000) {
                throw new BackupFailure("the chain of backup " + backup.backupId() + " does not end in a full backup");
            }
        }
        return chain;
    }

    @Override
    protected ScratchMariaDb restoreAndStart(BackupTarget t, Backup backup, Path work, Map<String, Object> checks,
                                             BooleanSupplier stop, Instant deadline) throws BackupFailure, IOException {
        List<Backup> chain = chain(backup);
        Path prepared = work.resolve("prepared");
        Instant t0 = Instant.now();
        copyTree(Path.of(chain.get(0).location()).resolve("data"), prepared);
        prepare(List.of("--prepare", "--target-dir=" + prepared), stop, deadline);
        int n = 0;
        for (Backup inc : chain.subList(1, chain.size())) {
            // --prepare --incremental-dir consumes the incremental (it moves its .delta and .new files into the
            // target): prepare a copy, so the stored backup stays restorable (and its SHA-256 unchanged)
            Path copy = work.resolve("incremental-" + (++n));
            copyTree(Path.of(inc.location()).resolve("data"), copy);
            prepare(List.of("--prepare", "--target-dir=" + prepared, "--incremental-dir=" + copy), stop, deadline);
            StoredFiles.deleteQuietly(copy);
        }
        Path data = work.resolve("data");
        prepare(List.of("--move-back", "--target-dir=" + prepared, "--datadir=" + data), stop, deadline);
        checks.put("chain_length", chain.size());
        checks.put("prepare_ms", Duration.between(t0, Instant.now()).toMillis());
        StoredFiles.deleteQuietly(prepared);
        return ScratchMariaDb.start(tools.tool("mariadbd"), tools.tool("mariadb"), data, stop, deadline);
    }

    private void prepare(List<String> args, BooleanSupplier stop, Instant deadline) throws BackupFailure, IOException {
        List<String> cmd = new ArrayList<>(List.of(tools.tool("mariadb-backup").toString(), "--no-defaults"));
        cmd.addAll(args);
        ToolProcess.Result r = ToolProcess.of(cmd).run(l -> { }, stop, deadline);
        if (!r.ok()) {
            throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                    : "mariadb-backup " + args.get(0) + " exited with " + r.exitCode() + ": " + r.output());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
