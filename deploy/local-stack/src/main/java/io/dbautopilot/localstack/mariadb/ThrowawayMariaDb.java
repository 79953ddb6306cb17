package io.dbautopilot.localstack.mariadb;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.localstack.ServerProcesses;
import io.dbautopilot.localstack.TempDirectories;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A MariaDB server created with the installed binaries in a temporary directory, on a free port, with a
 * password-protected user owning one database.
 *
 * <p>{@code mariadb-install-db} creates the system tables, the user (all privileges, generated password), the
 * database, and gives {@code root@localhost} the same password (the other passwordless root accounts are dropped);
 * {@code mariadbd} then runs with {@code performance_schema=ON}, listening on 127.0.0.1 and a socket in the directory.
 * As root, the server runs as the {@code mysql} OS user. Like {@code ThrowawayPostgres}, it is removed on
 * {@link #close()}, by a JVM shutdown hook, and - should the JVM be killed - by a detached watchdog that stops the
 * server and deletes the directory once the JVM is gone (or, if that was killed too, by the next launch).
 */
public final class ThrowawayMariaDb implements MariaDbServer {

    private static final Logger LOG = Logger.getLogger(ThrowawayMariaDb.class.getName());
    private static final String OS_USER = "mysql";
    private static final String USER = "autopilot";
    private static final String DEFAULT_DATABASE = "autopilot_test";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final MariaDbBinaries binaries;
    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final String password;
    private final String database;
    private final List<String> extraOptions;
    private final boolean asMysqlUser;
    private final Thread shutdownHook;
    private Process server;
    private Optional<Process> watchdog = Optional.empty();
    private volatile boolean closed;

    private ThrowawayMariaDb(MariaDbBinaries binaries, Path baseDir, String database, List<String> extraOptions) {
        this.binaries = binaries;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = baseDir.resolve("mariadb.log");
        this.port = ServerProcesses.freePort();
        this.password = ServerProcesses.generatePassword();
        this.database = database;
        this.extraOptions = List.copyOf(extraOptions);
        this.asMysqlUser = ServerProcesses.runningAsRoot();
        this.shutdownHook = new Thread(this::close, "throwaway-mariadb-cleanup");
    }

    /** Creates and starts a server on a free port with the database {@value #DEFAULT_DATABASE}. */
    public static ThrowawayMariaDb launch(MariaDbBinaries binaries) {
        return launch(binaries, DEFAULT_DATABASE, List.of());
    }

    /**
     * Creates and starts a server on a free port with the given database (a plain lower-case identifier) and extra
     * {@code mariadbd} options after the defaults (later ones win), e.g. {@code --log-bin=binlog} for binlog tests.
     */
    public static ThrowawayMariaDb launch(MariaDbBinaries binaries, String database, List<String> extraOptions) {
        if (!database.matches("[a-z_][a-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("database name must match [a-z_][a-z0-9_]*: " + database);
        }
        ServerProcesses.sweepAbandoned("dbautopilot-mariadb-");
        Path dir;
        try {
            dir = Files.createTempDirectory("dbautopilot-mariadb-");
            ServerProcesses.writeOwnerRecord(dir, Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for MariaDB", e);
        }
        ThrowawayMariaDb db = new ThrowawayMariaDb(binaries, dir, database, extraOptions);
        Runtime.getRuntime().addShutdownHook(db.shutdownHook);
        try {
            db.initialise();
            db.start();
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private void initialise() {
        Path initSql = baseDir.resolve("init.sql");
        try {
            // FLUSH PRIVILEGES turns the grant tables on inside the bootstrap; the password is letters and digits.
            Files.writeString(initSql, String.join("\n",
                    "FLUSH PRIVILEGES;",
                    "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');",
                    "FLUSH PRIVILEGES;",
                    "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + password + "';",
                    "CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + password + "';",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;",
                    "CREATE DATABASE `" + database + "`;",
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + initSql, e);
        }
        if (asMysqlUser) {
            if (!ServerProcesses.osUserExists(OS_USER)) {
                throw new MissingPrerequisiteException("Running as root, but there is no '" + OS_USER + "' OS user to "
                        + "run mariadbd as. Installing the MariaDB server package creates it (sudo apt-get install -y "
                        + "mariadb-server mariadb-backup mariadb-client), or: useradd --system " + OS_USER);
            }
            ServerProcesses.run(List.of("chown", "-R", OS_USER + ":" + OS_USER, baseDir.toString()), baseDir,
                    Duration.ofSeconds(30));
        }
        List<String> cmd = new ArrayList<>(List.of(binaries.installDb().toString(), "--no-defaults",
                "--datadir=" + dataDir, "--auth-root-authentication-method=normal", "--skip-test-db",
                "--skip-name-resolve", "--extra-file=" + initSql, "--innodb-log-file-size=8M"));
        if (asMysqlUser) {
            cmd.add("--user=" + OS_USER);
        }
        try {
            ServerProcesses.run(cmd, baseDir, Duration.ofSeconds(180));
        } finally {
            TempDirectories.deleteRecursively(initSql);
        }
    }

    private synchronized void start() {
        List<String> cmd = new ArrayList<>(List.of(binaries.server().toString(), "--no-defaults",
                "--datadir=" + dataDir, "--socket=" + baseDir.resolve("mysqld.sock"), "--port=" + port,
                "--bind-address=127.0.0.1", "--pid-file=" + baseDir.resolve("mariadbd.pid"), "--tmpdir=" + baseDir,
                "--skip-name-resolve", "--performance-schema=ON", "--innodb-log-file-size=8M",
                "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2", "--max-connections=200"));
        if (asMysqlUser) {
            cmd.add("--user=" + OS_USER);
        }
        cmd.addAll(extraOptions);
        try {
            server = new ProcessBuilder(cmd).directory(baseDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.server(), e);
        }
        ServerProcesses.writeOwnerRecord(baseDir, Optional.of(server.toHandle()));
        watchdog = ServerProcesses.startWatchdog(server.toHandle(), baseDir);
        awaitReady();
    }

    /** Waits until the server sends its protocol handshake on the TCP port, or fails naming the log file. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + server.exitValue() + " before accepting "
                        + "connections; see " + logFile + ":\n" + ServerProcesses.tail(logFile, 30));
            }
            if (handshakeReceived()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mariadbd", e);
            }
        }
        throw new IllegalStateException("mariadbd did not accept connections on 127.0.0.1:" + port + " within "
                + READY_TIMEOUT.toSeconds() + " s; see " + logFile + ":\n" + ServerProcesses.tail(logFile, 30));
    }

    /** Whether a connection gets the server's initial handshake packet (protocol version 10), not an error packet. */
    private boolean handshakeReceived() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host(), port), 1000);
            s.setSoTimeout(2000);
            InputStream in = s.getInputStream();
            byte[] header = in.readNBytes(5); // 3-byte length, sequence id, first payload byte
            return header.length == 5 && header[4] == 10;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * Runs statements in a database with the {@code mariadb} client (installed next to {@code mariadb-install-db}) as
     * the all-privileges user; the statements go through a file removed afterwards, so neither they nor the password
     * appear on a command line.
     */
    public void execute(String database, String... statements) {
        Path sql = baseDir.resolve("execute-" + java.util.UUID.randomUUID() + ".sql");
        try {
            Files.writeString(sql, String.join(";\n", statements) + ";\n", StandardCharsets.UTF_8);
            Path client = binaries.installDb().resolveSibling("mariadb");
            ServerProcesses.run(List.of(client.toString(), "--no-defaults", "--protocol=TCP", "--host=" + host(),
                    "--port=" + port, "--user=" + USER, "--database=" + database, "--execute=source " + sql),
                    baseDir, Duration.ofSeconds(120), java.util.Map.of("MYSQL_PWD", password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + sql, e);
        } finally {
            TempDirectories.deleteRecursively(sql);
        }
    }

    /** Stops the server cleanly, keeping its data directory; {@link #restart()} starts it again on the same port. */
    public synchronized void stop() {
        if (server != null) {
            ServerProcesses.stop(server, STOP_GRACE);
            ServerProcesses.stopWatchdog(watchdog);
            server = null;
        }
    }

    /** Starts a stopped server again (same port, data and users); waits until it accepts connections. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the throwaway MariaDB server was closed");
        }
        if (!running()) {
            start();
        }
    }

    @Override
    public boolean running() {
        Process p = server;
        return p != null && p.isAlive();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null) {
                ServerProcesses.stop(server, STOP_GRACE);
            }
        } catch (RuntimeException e) {
            LOG.warning("stopping the throwaway MariaDB server failed: " + e.getMessage());
        } finally {
            TempDirectories.deleteRecursively(baseDir);
            ServerProcesses.stopWatchdog(watchdog);
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
        return USER;
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public String database() {
        return database;
    }

    /** The server's directory (data directory, socket and server log inside). */
    public Path directory() {
        return baseDir;
    }

    /** The server log ({@code mariadbd}'s output). */
    public Path logFile() {
        return logFile;
    }

    /** The {@code mariadbd} process id (for tests that check it is gone). */
    public long pid() {
        return server.pid();
    }
}
