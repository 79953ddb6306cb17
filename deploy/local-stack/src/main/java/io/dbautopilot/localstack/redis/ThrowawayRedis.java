package io.dbautopilot.localstack.redis;

import io.dbautopilot.localstack.ServerProcesses;
import io.dbautopilot.localstack.TempDirectories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A Redis server run with the installed {@code redis-server} from a generated config file in a temporary directory:
 * a free port on 127.0.0.1, a generated {@code requirepass}, no snapshots unless asked for.
 *
 * <p>Like {@code ThrowawayPostgres}, it is removed on {@link #close()}, by a JVM shutdown hook, and - should the JVM
 * be killed - by a detached watchdog that stops the server and deletes the directory once the JVM is gone (or, if
 * that was killed too, by the next launch).
 * Readiness is a {@code redis-cli ping}; the password reaches redis-cli through {@code REDISCLI_AUTH}, never the
 * command line.
 */
public final class ThrowawayRedis implements RedisServer {

    private static final Logger LOG = Logger.getLogger(ThrowawayRedis.class.getName());
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final RedisBinaries binaries;
    private final Path baseDir;
    private final Path configFile;
    private final Path logFile;
    private final int port;
    private final String password;
    private final List<String> extraSettings;
    private final Thread shutdownHook;
    private Process server;
    private Optional<Process> watchdog = Optional.empty();
    private volatile boolean closed;

    private ThrowawayRedis(RedisBinaries binaries, Path baseDir, List<String> extraSettings) {
        this.binaries = binaries;
        this.baseDir = baseDir;
        this.configFile = baseDir.resolve("redis.conf");
        this.logFile = baseDir.resolve("redis.log");
        this.port = ServerProcesses.freePort();
        this.password = ServerProcesses.generatePassword();
        this.extraSettings = List.copyOf(extraSettings);
        this.shutdownHook = new Thread(this::close, "throwaway-redis-cleanup");
    }

    /** Starts a server on a free port. */
    public static ThrowawayRedis launch(RedisBinaries binaries) {
        return launch(binaries, List.of());
    }

    /**
     * Starts a server on a free port with extra {@code redis.conf} lines after the defaults (later lines win), e.g.
     * {@code save 60 1} or {@code appendonly yes} for persistence tests.
     */
    public static ThrowawayRedis launch(RedisBinaries binaries, List<String> extraSettings) {
        ServerProcesses.sweepAbandoned("dbautopilot-redis-");
        Path dir;
        try {
            dir = Files.createTempDirectory("dbautopilot-redis-");
            ServerProcesses.writeOwnerRecord(dir, Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Redis", e);
        }
        ThrowawayRedis redis = new ThrowawayRedis(binaries, dir, extraSettings);
        Runtime.getRuntime().addShutdownHook(redis.shutdownHook);
        try {
            redis.writeConfig();
            redis.start();
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>(List.of(
                "# written by DB Autopilot's throwaway Redis",
                "port " + port,
                "bind 127.0.0.1",
                "protected-mode yes",
                "daemonize no",
                "dir \"" + baseDir + "\"",
                "logfile \"\"",
                "requirepass " + password,
                "save \"\"",
                "appendonly no"));
        if (!extraSettings.isEmpty()) {
            lines.add("# extra settings of this server");
            lines.addAll(extraSettings);
        }
        try {
            Files.writeString(configFile, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    private synchronized void start() {
        try {
            server = new ProcessBuilder(binaries.server().toString(), configFile.toString())
                    .directory(baseDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.server(), e);
        }
        ServerProcesses.writeOwnerRecord(baseDir, Optional.of(server.toHandle()));
        watchdog = ServerProcesses.startWatchdog(server.toHandle(), baseDir);
        awaitReady();
    }

    /** Waits until {@code redis-cli ping} answers PONG, or fails naming the log file. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + server.exitValue() + " before accepting "
                        + "connections; see " + logFile + ":\n" + ServerProcesses.tail(logFile, 30));
            }
            ServerProcesses.CommandResult ping = attemptCli(List.of("PING"));
            if (ping.exitCode() == 0 && ping.output().strip().equals("PONG")) {
                return;
            }
            last = ping.output().strip();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
        }
        throw new IllegalStateException("redis-server did not answer PING on 127.0.0.1:" + port + " within "
                + READY_TIMEOUT.toSeconds() + " s (last answer: " + last + "); see " + logFile + ":\n"
                + ServerProcesses.tail(logFile, 30));
    }

    /**
     * Runs one command with {@code redis-cli} against this server (arguments as a list, no shell) and returns its
     * reply as redis-cli prints it; fails when redis-cli exits non-zero.
     */
    public String cli(String... command) {
        ServerProcesses.CommandResult r = attemptCli(List.of(command));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("redis-cli " + String.join(" ", command) + " failed (exit " + r.exitCode()
                    + "):\n" + r.output());
        }
        return r.output().strip();
    }

    private ServerProcesses.CommandResult attemptCli(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of(binaries.cli().toString(), "-h", host(), "-p", String.valueOf(port)));
        cmd.addAll(command);
        return ServerProcesses.attempt(cmd, baseDir, Duration.ofSeconds(10), Map.of("REDISCLI_AUTH", password));
    }

    /** Stops the server, keeping its directory; {@link #restart()} starts it again on the same port. */
    public synchronized void stop() {
        if (server != null) {
            ServerProcesses.stop(server, STOP_GRACE);
            ServerProcesses.stopWatchdog(watchdog);
            server = null;
        }
    }

    /** Starts a stopped server again (same port, password and settings); waits until it answers PING. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the throwaway Redis server was closed");
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
            LOG.warning("stopping the throwaway Redis server failed: " + e.getMessage());
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
    public String password() {
        return password;
    }

    /** The server's directory (config, log and any snapshot inside). */
    public Path directory() {
        return baseDir;
    }

    /** The server log ({@code redis-server}'s output). */
    public Path logFile() {
        return logFile;
    }

    /** The {@code redis-server} process id (for tests that check it is gone). */
    public long pid() {
        Process p = server;
        if (p == null) {
            throw new IllegalStateException("the throwaway Redis server is stopped");
        }
        return p.pid();
    }
}
