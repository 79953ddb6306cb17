package io.dbautopilot.localstack.postgres;

import io.dbautopilot.localstack.MissingPrerequisiteException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the installed PostgreSQL server binaries (initdb, pg_ctl) live.
 *
 * <p>Looked up from {@code PG_BIN} (environment) or {@code dbautopilot.pg.bin} (system property), then the
 * newest {@code /usr/lib/postgresql/<version>/bin} (Debian/Ubuntu layout), then the {@code PATH}.
 */
public record PostgresBinaries(Path binDir) {

    /** The message shown when no server binaries can be found. */
    public static final String INSTALL_HINT = "PostgreSQL server binaries (initdb, pg_ctl) were not found. "
            + "Install them (Debian/Ubuntu: sudo apt-get install -y postgresql; Fedora: sudo dnf install postgresql-server) "
            + "or point PG_BIN at the directory that holds initdb and pg_ctl.";

    public PostgresBinaries {
        if (!Files.isExecutable(binDir.resolve("initdb")) || !Files.isExecutable(binDir.resolve("pg_ctl"))) {
            throw new MissingPrerequisiteException("No initdb/pg_ctl in " + binDir + ". " + INSTALL_HINT);
        }
    }

    /** Finds the binaries or throws {@link MissingPrerequisiteException} saying how to install them. */
    public static PostgresBinaries locate() {
        String configured = Optional.ofNullable(System.getProperty("dbautopilot.pg.bin")).orElse(System.getenv("PG_BIN"));
        if (configured != null && !configured.isBlank()) {
            return new PostgresBinaries(Path.of(configured));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions
                        .filter(p -> p.getFileName().toString().matches("\\d+"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return new PostgresBinaries(newest.get().resolve("bin"));
                }
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "pg_ctl"))) {
                return new PostgresBinaries(Path.of(dir));
            }
        }
        throw new MissingPrerequisiteException(INSTALL_HINT);
    }

    /** Path of one binary, e.g. {@code tool("pg_dump")}. */
    public Path tool(String name) {
        return binDir.resolve(name);
    }
}
