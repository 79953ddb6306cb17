package io.dbautopilot.automation.sqlite;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real SQLite files for {@link SqliteClosedLoopTest}: {@code lite} ({@value #LITE}, WAL mode) in a temporary
 * directory, and {@code lite-small} ({@value #SMALL}) on a 1 MiB tmpfs mounted for the class (the test runs as root,
 * as CI does), where a 600 KiB file leaves less free space than VACUUM needs; {@code lite-mig} ({@value #MIGRATED}),
 * a file without tables whose migrations location is an empty directory the test writes scripts into. The mount and the directory are removed
 * on stop, by a shutdown hook, and by the next start when a killed JVM left them.
 */
public class SqliteFilesTestResource implements QuarkusTestResourceLifecycleManager {

    static final String LITE = "lite.db";
    static final String SMALL = "small.db";
    static final String MIGRATED = "mig.db";
    private static final String PREFIX = "dbautopilot-sqlite-";

    private Path dir;
    private Path mount;

    @Override
    public Map<String, String> start() {
        try {
            removeLeftovers();
            dir = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
            mount = Files.createDirectory(dir.resolve("tmpfs"));
            run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
            Path lite = dir.resolve(LITE);
            execute(lite, "PRAGMA journal_mode=WAL", "CREATE TABLE seed (id integer PRIMARY KEY, pad text)",
                    "INSERT INTO seed (pad) VALUES ('x')");
            Path small = mount.resolve(SMALL);
            execute(small, "CREATE TABLE filler (id integer PRIMARY KEY, pad blob)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150) "
                            + "INSERT INTO filler (pad) SELECT randomblob(4000) FROM n",
                    "DELETE FROM filler WHERE id % 2 = 0");
            // a new application's file: no table yet (Flyway refuses a non-empty schema without its history table)
            Path mig = dir.resolve(MIGRATED);
            execute(mig, "PRAGMA user_version = 1");
            Files.createDirectory(dir.resolve("migrations")); // scripts are written by the test (nothing pending at start)
            return Map.of("autopilot.databases.lite.url", "sqlite://" + lite,
                    "autopilot.databases.lite-mig.url", "sqlite://" + mig,
                    "autopilot.migrations.databases.lite-mig.location", dir.resolve("migrations").toString(),
                    // the periodic pending check must not request the test's migration before the test does
                    "autopilot.databases.lite-mig.policy.migrations-pending", "off",
                    "autopilot.databases.lite.lock-timeout", "500ms",
                    "autopilot.databases.lite-small.url", "sqlite://" + small,
                    "dbautopilot.test.sqlite.directory", dir.toString());
        } catch (IOException | SQLException | InterruptedException e) {
            stop();
            throw new IllegalStateException("cannot prepare the SQLite test files (mounting a tmpfs needs root): "
                    + e.getMessage(), e);
        }
    }

    static void execute(Path file, String... statements) throws SQLException {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (mount != null) {
            try {
                run("umount", mount.toString());
            } catch (IOException | InterruptedException e) {
                // reported by the next start's leftover removal
            }
            mount = null;
        }
        if (dir != null) {
            delete(dir);
            dir = null;
        }
    }

    /** Unmounts and removes what a killed JVM of an earlier run left (its pid no longer alive). */
    private static void removeLeftovers() throws IOException, InterruptedException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path p : s.filter(x -> x.getFileName().toString().startsWith(PREFIX)).toList()) {
                String pid = p.getFileName().toString().substring(PREFIX.length()).split("-")[0];
                // only this resource's own directories (prefix + pid): other tests' "dbautopilot-sqlite-..." are not ours
                if (!pid.matches("\\d+")) {
                    continue;
                }
                boolean alive = ProcessHandle.of(Long.parseLong(pid)).isPresent();
                if (!alive) {
                    if (Files.readString(Path.of("/proc/mounts")).contains(p.resolve("tmpfs").toString())) {
                        run("umount", p.resolve("tmpfs").toString());
                    }
                    delete(p);
                }
            }
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
