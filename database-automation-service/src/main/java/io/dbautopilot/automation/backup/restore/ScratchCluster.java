package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.support.tool.ToolProcess;
import io.dbautopilot.support.url.DatabaseUrl;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * A restored data directory started with {@code pg_ctl} on its own port (127.0.0.1 and a socket in its own
 * directory), with archiving off so it never pushes WAL into the source's repository; stopped and removed by drills.
 */
public final class ScratchCluster {

    private final Path pgCtl;
    private final Path dataDir;
    private final Path socketDir;
    private final int port;
    private final Optional<String> osUser;

    public ScratchCluster(Path pgCtl, Path dataDir, Path socketDir, int port, Optional<String> osUser) {
        this.pgCtl = pgCtl;
        this.dataDir = dataDir;
        this.socketDir = socketDir;
        this.port = port;
        this.osUser = osUser;
    }

    /** A free TCP port on 127.0.0.1. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Whether a port can be bound on 127.0.0.1 now. */
    public static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts the server (recovery runs first) and waits until it accepts connections and left recovery. */
    public void start(Path logFile, String database, String user, String password, BooleanSupplier stop, Instant deadline)
            throws IOException {
        // no Unix socket: TCP on 127.0.0.1 only (socket paths under deep restore directories exceed the 107-byte limit)
        String options = "-p " + port + " -k '' -c listen_addresses=127.0.0.1 -c archive_mode=off"
                + " -c logging_collector=off";
        ToolProcess.Result r = new ToolProcess(List.of(pgCtl.toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
                "-o", options, "-w", "-t", Long.toString(Math.max(30, Duration.between(Instant.now(), deadline).toSeconds())),
                "start"), Map.of(), osUser, null).run(l -> { }, stop, deadline);
        if (!r.ok()) {
            String log = "";
            try {
                List<String> lines = java.nio.file.Files.readAllLines(logFile);
                log = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                log = "(no server log: " + e.getMessage() + ")";
            }
            throw new IOException("pg_ctl start of the restored cluster failed (" + r.exitCode() + "): " + r.output()
                    + "; server log:\n" + log);
        }
        while (Instant.now().isBefore(deadline) && !stop.getAsBoolean()) {
            try (Connection c = connect(database, user, password);
                 var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the restored cluster");
            }
        }
        throw new IOException("the restored cluster did not finish recovery before the time budget ended (log: " + logFile + ")");
    }

    /** Opens a connection to a database of the restored server. */
    public Connection connect(String database, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "db-autopilot-automation restore-check");
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(new DatabaseUrl("postgresql", "127.0.0.1", port, database, Map.of()).jdbcUrl(), p);
    }

    /** Stops the server (fast, then immediate). */
    public void stop() throws IOException {
        ToolProcess.Result r = new ToolProcess(List.of(pgCtl.toString(), "-D", dataDir.toString(), "-w", "-t", "60",
                "stop", "-m", "fast"), Map.of(), osUser, null).run(Duration.ofSeconds(90));
        if (!r.ok()) {
            new ToolProcess(List.of(pgCtl.toString(), "-D", dataDir.toString(), "-w", "stop", "-m", "immediate"), Map.of(),
                    osUser, null).run(Duration.ofSeconds(60));
        }
    }

    /** The port. */
    public int port() {
        return port;
    }
}
