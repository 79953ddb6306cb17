package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.support.tool.ToolProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A scratch MariaDB server on a restored (or freshly initialised) data directory, for verifying backups and restore
 * drills: {@code mariadbd --skip-grant-tables --skip-networking}, reachable only through a socket in a private (0700)
 * directory of this service's OS user, so no password is needed and nobody else can connect; run through the tool
 * runner, so it dies with the JVM. Queries go through the {@code mariadb} client on that socket.
 */
public final class ScratchMariaDb implements AutoCloseable {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path client;
    private final Path runDir;
    private final Path socket;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> output = new ArrayList<>();
    private final Thread thread;
    private volatile ToolProcess.Result result;
    private volatile IOException startFailure;

    private ScratchMariaDb(Path mariadbd, Path client, Path dataDir, Instant deadline) throws IOException {
        this.client = client;
        // a short private directory: a socket path longer than 107 bytes is refused
        this.runDir = Files.createTempDirectory("dbautopilot-scratch-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(StoredFiles.PRIVATE_DIRECTORY));
        this.socket = runDir.resolve("s.sock");
        List<String> cmd = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults", "--datadir=" + dataDir,
                "--socket=" + socket, "--pid-file=" + runDir.resolve("mariadbd.pid"), "--tmpdir=" + runDir,
                "--skip-networking", "--skip-grant-tables", "--skip-log-bin", "--skip-slave-start",
                "--performance-schema=OFF", "--innodb-buffer-pool-size=64M", "--log-error=" + runDir.resolve("error.log")));
        if (ROOT) {
            cmd.add("--user=root"); // the data directory and the socket directory are this service's, 0700
        }
        ToolProcess process = new ToolProcess(cmd, Map.of(), Optional.empty(), runDir);
        this.thread = new Thread(() -> {
            try {
                result = process.run(line -> {
                    synchronized (output) {
                        if (output.size() < 200) {
                            output.add(line);
                        }
                    }
                }, stop::get, deadline.plus(Duration.ofMinutes(5)));
            } catch (IOException e) {
                startFailure = e;
            }
        }, "scratch-mariadbd");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Creates the system tables of an empty data directory with {@code mariadb-install-db} (for logical restores).
     */
    public static void initialise(Path installDb, Path dataDir, BooleanSupplier stop, Instant deadline)
            throws IOException, BackupEngine.BackupFailure {
        List<String> cmd = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + dataDir,
                "--skip-test-db", "--skip-name-resolve", "--auth-root-authentication-method=socket"));
        if (ROOT) {
            cmd.add("--user=root");
        }
        ToolProcess.Result r = new ToolProcess(cmd, Map.of(), Optional.empty(), dataDir.getParent())
                .run(l -> { }, stop, deadline);
        if (!r.ok()) {
            throw new BackupEngine.BackupFailure("mariadb-install-db of the scratch server failed: " + r.failure());
        }
    }

    /** Starts a server on {@code dataDir} and waits until it answers. */
    public static ScratchMariaDb start(Path mariadbd, Path client, Path dataDir, BooleanSupplier stop, Instant deadline)
            throws IOException, BackupEngine.BackupFailure {
        ScratchMariaDb s = new ScratchMariaDb(mariadbd, client, dataDir, deadline);
        try {
            s.awaitReady(stop, deadline);
            return s;
        } catch (IOException | BackupEngine.BackupFailure | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void awaitReady(BooleanSupplier stop, Instant deadline) throws IOException, BackupEngine.BackupFailure {
        while (Instant.now().isBefore(deadline) && !stop.getAsBoolean()) {
            if (!thread.isAlive()) {
                throw new BackupEngine.BackupFailure("the scratch MariaDB server did not start: "
                        + (startFailure != null ? startFailure.getMessage() : errorLog()));
            }
            if (Files.exists(socket)) {
                ToolProcess.Result r = ToolProcess.of(List.of(client.toString(), "--no-defaults", "--socket=" + socket,
                        "--user=root", "--batch", "--skip-column-names", "--execute=SELECT 1")).run(Duration.ofSeconds(10));
                if (r.ok()) {
                    return;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the scratch MariaDB server");
            }
        }
        throw new BackupEngine.BackupFailure(stop.getAsBoolean() ? "stopped"
                : "the scratch MariaDB server did not answer before the time budget ended: " + errorLog());
    }

    /** Runs a SQL script (statements separated by {@code ;}) in {@code database} (null: none); returns its rows. */
    public List<String> run(String database, String sql, BooleanSupplier stop, Instant deadline)
            throws IOException, BackupEngine.BackupFailure {
        Path file = runDir.resolve("script-" + UUID.randomUUID() + ".sql");
        Files.writeString(file, sql, StandardCharsets.UTF_8);
        try {
            return source(database, file, stop, deadline);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Loads a SQL file (a dump) into {@code database}; returns the rows it printed. */
    public List<String> source(String database, Path file, BooleanSupplier stop, Instant deadline)
            throws IOException, BackupEngine.BackupFailure {
        List<String> cmd = new ArrayList<>(List.of(client.toString(), "--no-defaults", "--socket=" + socket,
                "--user=root", "--batch", "--skip-column-names"));
        if (database != null) {
            cmd.add("--database=" + database);
        }
        cmd.add("--execute=source " + file);
        List<String> rows = new ArrayList<>();
        ToolProcess.Result r = ToolProcess.of(cmd).run(rows::add, stop, deadline);
        if (!r.ok()) {
            throw new BackupEngine.BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                    : "mariadb on the scratch server exited with " + r.exitCode() + ": " + r.output());
        }
        return rows;
    }

    /** {@code CHECKSUM TABLE} of each of {@code tables} of {@code database} on this server (missing: "NULL"). */
    public Map<String, String> checksums(String database, Collection<String> tables, BooleanSupplier stop,
                                         Instant deadline) throws IOException, BackupEngine.BackupFailure {
        List<String> names = List.copyOf(tables);
        StringBuilder sql = new StringBuilder();
        names.forEach(t -> sql.append("CHECKSUM TABLE ").append(TableChecksums.quoted(database, t)).append(";\n"));
        List<String> rows = names.isEmpty() ? List.of() : run(null, sql.toString(), stop, deadline);
        if (rows.size() != names.size()) {
            throw new BackupEngine.BackupFailure("CHECKSUM TABLE on the scratch server answered " + rows.size()
                    + " rows for " + names.size() + " tables: " + rows);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String row = rows.get(i);
            out.put(names.get(i), row.substring(row.lastIndexOf('\t') + 1).trim());
        }
        return out;
    }

    private String errorLog() {
        try {
            List<String> lines = Files.readAllLines(runDir.resolve("error.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            synchronized (output) {
                return String.join("\n", output);
            }
        }
    }

    /** Stops the server (SIGTERM: a clean shutdown; SIGKILL after the tool runner's grace) and removes its socket directory. */
    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            StoredFiles.delete(runDir);
        } catch (IOException e) {
            // a temp directory: left for the OS
        }
    }
}
