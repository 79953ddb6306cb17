package io.dbautopilot.localstack.postgres;

import io.dbautopilot.localstack.TempDirectories;
import io.dbautopilot.localstack.MissingPrerequisiteException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A PostgreSQL cluster created with the installed binaries in a temporary directory, on a free port.
 *
 * <p>Runs as the {@code postgres} OS user when the JVM runs as root (initdb refuses root). The cluster has
 * {@code pg_stat_statements} preloaded and durability switched off (it is thrown away). It is removed on
 * {@link #close()}, by a JVM shutdown hook, and - should the JVM be killed - by a small watchdog process
 * that stops the cluster and deletes the directory once the JVM is gone: no process or directory is left.
 */
public final class ThrowawayPostgres implements PostgresServer {

    private static final Logger LOG = Logger.getLogger(ThrowawayPostgres.class.getName());
    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD = "postgres";

    private final PostgresBinaries binaries;
    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final boolean asPostgresUser;
    private final List<String> extraSettings;
    private final Thread shutdownHook;
    private Process watchdog;
    private volatile boolean running;
    private volatile boolean closed;

    private ThrowawayPostgres(PostgresBinaries binaries, Path baseDir, int port, List<String> extraSettings) {
        this.binaries = binaries;
        this.extraSettings = List.copyOf(extraSettings);
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = baseDir.resolve("postgresql.log");
        this.port = port;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
        this.shutdownHook = new Thread(this::close, "throwaway-postgres-cleanup");
    }

    /** Creates and starts a new cluster on a free port. */
    public static ThrowawayPostgres launch(PostgresBinaries binaries) {
        return launch(binaries, 0);
    }

    /** Creates and starts a new cluster on the given port (0 = pick a free one). */
    public static ThrowawayPostgres launch(PostgresBinaries binaries, int port) {
        return launch(binaries, port, List.of());
    }

    /**
     * Creates and starts a new cluster on the given port (0 = pick a free one) with extra {@code postgresql.conf}
     * lines appended after the defaults (later lines win), e.g. {@code archive_mode = on} for backup tests.
     */
    public static ThrowawayPostgres launch(PostgresBinaries binaries, int port, List<String> extraSettings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dbautopilot-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for PostgreSQL", e);
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(binaries, dir, port == 0 ? freePort() : port, extraSettings);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            pg.initialise();
            pg.startWatchdog();
            pg.start();
            pg.execute("postgres", "ALTER USER " + SUPERUSER + " PASSWORD '" + PASSWORD + "'");
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /**
     * Creates and starts a streaming standby of {@code primary} ({@code pg_basebackup -R -X stream} over the
     * primary's replication connection, which initdb's trust lines allow from loopback) on a free port, with extra
     * {@code postgresql.conf} lines appended, e.g. {@code wal_receiver_status_interval = 1s}. The standby is
     * read-only and has the primary's superuser and password; it is cleaned up like any throwaway cluster.
     */
    public static ThrowawayPostgres launchStandby(ThrowawayPostgres primary, List<String> extraSettings) {
        Path dir;
        try {
            dir = Files.createTempDirectory("dbautopilot-pg-standby-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the standby", e);
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(primary.binaries, dir, freePort(), extraSettings);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            if (pg.asPostgresUser) {
                pg.requirePostgresUser();
                pg.run(List.of("chown", "-R", SUPERUSER + ":" + SUPERUSER, dir.toString()), false);
            }
            pg.run(List.of(pg.binaries.tool("pg_basebackup").toString(), "-h", primary.host(), "-p",
                    String.valueOf(primary.port()), "-U", SUPERUSER, "-D", pg.dataDir.toString(), "-R", "-X", "stream",
                    "-c", "fast", "--no-sync"), true);
            pg.appendSettings();
            pg.startWatchdog();
            pg.start();
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private void initialise() {
        if (asPostgresUser) {
            requirePostgresUser();
            run(List.of("chown", "-R", SUPERUSER + ":" + SUPERUSER, baseDir.toString()), false);
        }
        run(List.of(binaries.tool("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
                "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"), true);
        appendSettings();
    }

    /** Appends this cluster's settings (port, socket, extensions, no durability, extra lines) to postgresql.conf. */
    private void appendSettings() {
        String conf = String.join("\n",
                "",
                "# added by DB Autopilot's throwaway cluster",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + baseDir + "'",
                "shared_preload_libraries = 'pg_stat_statements'",
                "pg_stat_statements.track = all",
                "track_io_timing = on",
                "max_connections = 200",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "logging_collector = off",
                "");
        if (!extraSettings.isEmpty()) {
            conf = conf + "# extra settings of this cluster\n" + String.join("\n", extraSettings) + "\n";
        }
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), conf, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write postgresql.conf", e);
        }
    }

    private void requirePostgresUser() {
        try {
            Process p = new ProcessBuilder("id", "-u", SUPERUSER).redirectErrorStream(true).start();
            if (p.waitFor() != 0) {
                throw new MissingPrerequisiteException("Running as root, but there is no 'postgres' OS user to run "
                        + "initdb as (initdb refuses root). Installing the PostgreSQL server package creates it "
                        + "(sudo apt-get install -y postgresql), or: useradd --system postgres");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts a detached watchdog that cleans up if this JVM dies without running its shutdown hooks. */
    private void startWatchdog() {
        long jvmPid = ProcessHandle.current().pid();
        String stop = (asPostgresUser ? "runuser -u " + SUPERUSER + " -- " : "")
                + "'" + binaries.tool("pg_ctl") + "' -D '" + dataDir + "' stop -m immediate >/dev/null 2>&1";
        String script = "while kill -0 " + jvmPid + " 2>/dev/null; do sleep 1; done; "
                + stop + "; rm -rf '" + baseDir + "'";
        try {
            watchdog = new ProcessBuilder("setsid", "sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            LOG.warning("could not start the clean-up watchdog (setsid/sh missing?): " + e.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        run(List.of(binaries.tool("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-w", "-t", "60", "start"), true);
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        run(List.of(binaries.tool("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "stop", "-m", "fast"), true);
        running = false;
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (running && Files.exists(dataDir.resolve("postmaster.pid"))) {
                run(List.of(binaries.tool("pg_ctl").toString(), "-D", dataDir.toString(), "-w", "-t", "30",
                        "stop", "-m", "immediate"), true);
            }
        } catch (RuntimeException e) {
            LOG.warning("stopping the throwaway cluster failed: " + e.getMessage());
        } finally {
            running = false;
            TempDirectories.deleteRecursively(baseDir);
            if (watchdog != null) {
                watchdog.descendants().forEach(ProcessHandle::destroy);
                watchdog.destroy();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // called from the hook itself
            }
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String user() {
        return SUPERUSER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    /** The cluster's base directory (data directory and server log inside). */
    public Path directory() {
        return baseDir;
    }

    /** The data directory. */
    public Path dataDirectory() {
        return dataDir;
    }

    /** The binaries this cluster runs with (pg_dump etc. for tests that need them). */
    public PostgresBinaries binaries() {
        return binaries;
    }

    /** Runs a command, as the postgres user when needed, and fails with its output if it fails. */
    private void run(List<String> command, boolean asOwner) {
        List<String> cmd = new ArrayList<>();
        if (asOwner && asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).directory(baseDir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                String log = "";
                if (Files.exists(logFile)) {
                    log = "\nserver log:\n" + Files.readString(logFile);
                }
                throw new IllegalStateException("'" + String.join(" ", cmd) + "' exited with " + p.exitValue()
                        + ":\n" + out + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", cmd), e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
