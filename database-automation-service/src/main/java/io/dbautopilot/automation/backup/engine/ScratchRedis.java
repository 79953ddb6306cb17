package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.automation.redis.RedisConnections;
import io.dbautopilot.automation.redis.RedisSession;
import io.dbautopilot.support.retry.Retry;
import io.dbautopilot.support.tool.ToolProcess;
import io.vertx.mutiny.core.Vertx;
import io.vertx.redis.client.RedisOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A scratch {@code redis-server} that loads a restored RDB file, for verifying Redis backups and restore drills: its
 * own data directory, a free port on 127.0.0.1 only, a generated password in a private (0600) config file, no
 * snapshots and no AOF of its own; run through the tool runner, so it dies with the JVM. Stopped with SIGTERM (no
 * save points: nothing is written) and its config directory removed on {@link #close()}.
 */
public final class ScratchRedis implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path runDir;
    private final Vertx vertx;
    private final int port;
    private final String password;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> output = new ArrayList<>();
    private final Thread thread;
    private volatile ToolProcess.Result result;
    private volatile IOException startFailure;

    private ScratchRedis(Path redisServer, Path dataDir, Vertx vertx, Instant deadline) throws IOException {
        this.vertx = vertx;
        this.runDir = Files.createTempDirectory("dbautopilot-scratch-redis-",
                PosixFilePermissions.asFileAttribute(StoredFiles.PRIVATE_DIRECTORY));
        this.port = io.dbautopilot.automation.backup.restore.ScratchCluster.freePort();
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
        Path config = runDir.resolve("redis.conf");
        Files.createFile(config, PosixFilePermissions.asFileAttribute(StoredFiles.PRIVATE_FILE));
        Files.writeString(config, String.join("\n",
                "bind 127.0.0.1",
                "port " + port,
                "protected-mode yes",
                "requirepass " + password,
                // quoted as redis.conf reads strings: a backup directory with spaces or quotes arrives intact
                "dir \"" + dataDir.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"",
                "dbfilename dump.rdb",
                "save \"\"",
                "appendonly no",
                "daemonize no",
                "logfile \"\"",
                ""));
        ToolProcess process = new ToolProcess(List.of(redisServer.toString(), config.toString()), Map.of(),
                Optional.empty(), runDir);
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
        }, "scratch-redis-server");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts a server on {@code dataDir} (holding {@code dump.rdb}) and waits until it accepts commands and has
     * loaded the file ({@code INFO persistence} {@code loading:0}).
     */
    public static ScratchRedis start(Path redisServer, Path dataDir, Vertx vertx, BooleanSupplier stop,
                                     Instant deadline) throws IOException, BackupEngine.BackupFailure {
        ScratchRedis s = new ScratchRedis(redisServer, dataDir, vertx, deadline);
        try {
            while (true) {
                if (s.startFailure != null) {
                    throw s.startFailure;
                }
                if (s.result != null) {
                    throw new BackupEngine.BackupFailure("the scratch redis-server exited with " + s.result.exitCode()
                            + " while loading the backup: " + s.output());
                }
                if (stop.getAsBoolean()) {
                    throw new BackupEngine.BackupFailure("stopped");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new BackupEngine.BackupFailure("the scratch redis-server did not load the backup within "
                            + "the time budget: " + s.output());
                }
                try (RedisSession session = s.connect()) {
                    if ("0".equals(session.info("persistence").get("loading"))) {
                        return s;
                    }
                } catch (RuntimeException notYet) {
                    // not listening yet, or LOADING: try again
                }
                Retry.sleep(POLL, stop);
            }
        } catch (IOException | BackupEngine.BackupFailure | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A new connection to this server (the caller closes it). */
    public RedisSession connect() {
        return RedisConnections.open(vertx, new RedisOptions()
                .setConnectionString("redis://127.0.0.1:" + port + "/0").setPassword(password), CONNECT_TIMEOUT);
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 15), output.size()));
        }
    }

    /** Stops the server (SIGTERM; SIGKILL after the tool runner's grace) and removes its config directory. */
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
