package io.dbautopilot.localstack.postgres;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.support.tool.ExternalTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the installed PostgreSQL server binaries (initdb, pg_ctl) live, found by the services' one tool lookup
 * ({@link ExternalTools}): {@code autopilot.tools.directory} (system property) or {@code AUTOPILOT_TOOLS_DIRECTORY}
 * (environment; the deprecated {@code PG_BIN} still works), then the newest {@code /usr/lib/postgresql/<version>/bin}
 * (Debian/Ubuntu layout), then the {@code PATH}.
 */
public record PostgresBinaries(Path binDir) {

    /** The message shown when no server binaries can be found. */
    public static final String INSTALL_HINT = "PostgreSQL server binaries (initdb, pg_ctl) were not found. "
            + "Install them (Debian/Ubuntu: sudo apt-get install -y postgresql; Fedora: sudo dnf install postgresql-server) "
            + "or point " + ExternalTools.ENV + " at the directory that holds initdb and pg_ctl.";

    public PostgresBinaries {
        if (!Files.isExecutable(binDir.resolve("initdb")) || !Files.isExecutable(binDir.resolve("pg_ctl"))) {
            throw new MissingPrerequisiteException("No initdb/pg_ctl in " + binDir + ". " + INSTALL_HINT);
        }
    }

    /** Finds the binaries or throws {@link MissingPrerequisiteException} saying how to install them. */
    public static PostgresBinaries locate() {
        ExternalTools tools = ExternalTools.fromEnvironment();
        Optional<Path> initdb = tools.find("initdb");
        if (initdb.isEmpty()) {
            throw new MissingPrerequisiteException(INSTALL_HINT + " (" + tools.status("initdb").problem() + ")");
        }
        return new PostgresBinaries(initdb.get().getParent());
    }

    /** Path of one binary of the same installation, e.g. {@code tool("pg_dump")}. */
    public Path tool(String name) {
        return binDir.resolve(name);
    }
}
