package io.dbautopilot.automation.migration;

import jakarta.enterprise.context.ApplicationScoped;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * Finds the PostgreSQL client programs ({@code pg_dump}, {@code pg_restore}): {@code autopilot.migrations.pg-bin},
 * then the {@code PG_BIN} environment variable, then the newest {@code /usr/lib/postgresql/<n>/bin}, then the PATH.
 */
@ApplicationScoped
public class PgTools {

    private final MigrationsConfig config;

    public PgTools(MigrationsConfig config) {
        this.config = config;
    }

    /** The program's path, or empty with nothing found. */
    public Optional<Path> find(String program) {
        Optional<String> configured = config.pgBin().filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            Path p = Path.of(configured.get(), program);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String env = System.getenv("PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, program))) {
            return Optional.of(Path.of(env, program));
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles(File::isDirectory);
        if (versions != null) {
            Optional<Path> newest = Arrays.stream(versions)
                    .filter(d -> d.getName().matches("\\d+"))
                    .sorted(Comparator.comparingInt((File d) -> Integer.parseInt(d.getName())).reversed())
                    .map(d -> d.toPath().resolve("bin").resolve(program))
                    .filter(Files::isExecutable)
                    .findFirst();
            if (newest.isPresent()) {
                return newest;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, program);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Where the program was looked for, for error messages. */
    public String searched(String program) {
        return config.pgBin().map(d -> d + "/" + program + " (autopilot.migrations.pg-bin)")
                .orElse("PG_BIN, /usr/lib/postgresql/<n>/bin and the PATH (set autopilot.migrations.pg-bin, or install "
                        + "the PostgreSQL client: sudo apt-get install -y postgresql-client)");
    }
}
