package io.dbautopilot.support.tool;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one lookup of external programs ({@code pg_dump}, {@code pg_basebackup}, {@code pg_ctl}, {@code pgbackrest},
 * {@code psql}, later {@code mariadb-dump}, {@code mariadb-backup}, {@code redis-cli}): the configured directory
 * ({@value #SETTING}, env {@value #ENV}), then the newest {@code /usr/lib/postgresql/<n>/bin} for PostgreSQL
 * programs, then the {@code PATH}. Plain Java (no CDI, no logging) so the local stack's launcher uses it too; the
 * services get it from {@link ToolsProducer}. A missing program is an answer ({@link #status}), not an error.
 *
 * @param directory the configured tool directory, if any
 * @param pgRoot    root of the versioned PostgreSQL installs (Debian/Ubuntu layout)
 * @param path      the {@code PATH} directories, in order
 */
public record ExternalTools(Optional<Path> directory, Path pgRoot, List<Path> path) {

    /** The one setting naming the directory of the external programs. */
    public static final String SETTING = "autopilot.tools.directory";
    /** Its environment variable. */
    public static final String ENV = "AUTOPILOT_TOOLS_DIRECTORY";
    /** Deprecated alias of {@link #ENV} that the local stack and scripts used before. */
    public static final String DEPRECATED_ENV = "PG_BIN";

    private static final Set<String> POSTGRES_PROGRAMS = Set.of("psql", "initdb", "postgres", "createdb", "dropdb",
            "vacuumdb", "reindexdb", "clusterdb", "pgbench");
    private static final Set<String> POSTGRES_SERVER_PROGRAMS = Set.of("initdb", "postgres", "pg_ctl", "pg_controldata",
            "pg_resetwal", "pg_upgrade", "pg_rewind", "pg_checksums");

    public ExternalTools {
        directory = directory.filter(d -> !d.toString().isBlank());
        path = List.copyOf(path);
    }

    /**
     * The lookup for a configured directory (empty: none); the deprecated {@code PG_BIN} environment variable is
     * the fallback.
     */
    public static ExternalTools of(Optional<String> configured) {
        Optional<String> dir = configured.filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(System.getenv(DEPRECATED_ENV)).filter(s -> !s.isBlank()));
        List<Path> path = new ArrayList<>();
        for (String d : System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                path.add(Path.of(d));
            }
        }
        // server programs (mariadbd) live in sbin, which a non-root user's PATH often lacks
        for (String d : List.of("/usr/local/sbin", "/usr/sbin")) {
            if (!path.contains(Path.of(d))) {
                path.add(Path.of(d));
            }
        }
        return new ExternalTools(dir.map(Path::of), Path.of("/usr/lib/postgresql"), path);
    }

    /** The lookup outside a Quarkus application: system property {@value #SETTING}, else env {@value #ENV}. */
    public static ExternalTools fromEnvironment() {
        return of(Optional.ofNullable(System.getProperty(SETTING)).or(() -> Optional.ofNullable(System.getenv(ENV))));
    }

    /** Whether {@code name} is a PostgreSQL program (looked for in {@code /usr/lib/postgresql/<n>/bin} too). */
    public static boolean isPostgresProgram(String name) {
        return name.startsWith("pg_") || POSTGRES_PROGRAMS.contains(name);
    }

    /** The program's path, or empty when it is not installed where it is looked for. */
    public Optional<Path> find(String name) {
        if (name.contains("/")) {
            return executable(Path.of(name));
        }
        Optional<Path> found = directory.flatMap(d -> executable(d.resolve(name)));
        if (found.isEmpty() && isPostgresProgram(name)) {
            found = newestPostgresBin().flatMap(d -> executable(d.resolve(name)));
        }
        for (int i = 0; found.isEmpty() && i < path.size(); i++) {
            found = executable(path.get(i).resolve(name));
        }
        return found;
    }

    /** The program's path, or {@link ToolNotFoundException} saying where it was looked for and how to install it. */
    public Path require(String name) {
        return find(name).orElseThrow(() -> new ToolNotFoundException(missing(name)));
    }

    /** Whether the program is installed, and where (or why not); for start-up reports and availability lists. */
    public ToolStatus status(String name) {
        Optional<Path> p = find(name);
        return new ToolStatus(name, p, p.isPresent() ? null : missing(name));
    }

    /**
     * A PostgreSQL server program of one major version (a data directory starts only with its own version's
     * binaries): the configured directory when it holds the program, else {@code /usr/lib/postgresql/<major>/bin},
     * else the newest installed version when that is {@code major}; {@code major <= 0} means any version.
     */
    public Path requirePostgres(String name, int major) {
        if (major <= 0 || directory.flatMap(d -> executable(d.resolve(name))).isPresent()) {
            return require(name);
        }
        Optional<Path> versioned = executable(pgRoot.resolve(Integer.toString(major)).resolve("bin").resolve(name));
        if (versioned.isPresent()) {
            return versioned.get();
        }
        throw new ToolNotFoundException(name + " of PostgreSQL " + major + " not found in " + pgRoot + "/" + major
                + "/bin" + directory.map(d -> " or " + d + " (" + SETTING + ")").orElse("")
                + "; install it (Debian/Ubuntu: sudo apt-get install -y postgresql-" + major + ") or set " + SETTING
                + " (env " + ENV + ") to its bin directory");
    }

    /** The newest {@code /usr/lib/postgresql/<n>/bin}, if any. */
    public Optional<Path> newestPostgresBin() {
        if (!Files.isDirectory(pgRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(pgRoot)) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .filter(d -> Files.isDirectory(d.resolve("bin")))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                    .map(d -> d.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Where {@code name} is looked for, e.g. {@code /opt/pg/bin (autopilot.tools.directory), /usr/lib/postgresql/17/bin or the PATH}. */
    public String searched(String name) {
        List<String> places = new ArrayList<>();
        directory.ifPresent(d -> places.add(d + " (" + SETTING + ")"));
        if (isPostgresProgram(name)) {
            places.add(newestPostgresBin().map(Path::toString).orElse(pgRoot + "/<version>/bin"));
        }
        places.add("the PATH");
        return places.size() == 1 ? places.get(0)
                : String.join(", ", places.subList(0, places.size() - 1)) + " or " + places.get(places.size() - 1);
    }

    /** How to install {@code name}, e.g. {@code install the postgresql-client package (…)}. */
    public static String installHint(String name) {
        if (POSTGRES_SERVER_PROGRAMS.contains(name)) {
            return "install the PostgreSQL server package (Debian/Ubuntu: sudo apt-get install -y postgresql)";
        }
        if (isPostgresProgram(name)) {
            return "install the postgresql-client package (Debian/Ubuntu: sudo apt-get install -y postgresql-client)";
        }
        return switch (name) {
            case "pgbackrest" -> "install the pgbackrest package, 2.45 or newer (Debian/Ubuntu: sudo apt-get install -y pgbackrest)";
            case "mariadb-backup" -> "install the mariadb-backup package (Debian/Ubuntu: sudo apt-get install -y mariadb-backup)";
            case "redis-cli" -> "install the redis-tools package (Debian/Ubuntu: sudo apt-get install -y redis-tools)";
            default -> name.startsWith("mariadb") || name.startsWith("mysql")
                    ? "install the mariadb-client package (Debian/Ubuntu: sudo apt-get install -y mariadb-client)"
                    : "install it";
        };
    }

    private String missing(String name) {
        return name + " not found in " + searched(name) + "; " + installHint(name) + " or set " + SETTING + " (env "
                + ENV + ") to the directory holding it";
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
}
