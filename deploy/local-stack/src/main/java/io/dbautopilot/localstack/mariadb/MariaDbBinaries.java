package io.dbautopilot.localstack.mariadb;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.support.tool.ExternalTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installed MariaDB server programs a throwaway server is made with ({@code mariadb-install-db},
 * {@code mariadbd}), found by the services' one tool lookup ({@link ExternalTools}: {@code autopilot.tools.directory},
 * then the {@code PATH}), with {@code /usr/sbin} as the last place for {@code mariadbd} (Debian puts it there, outside
 * a non-root user's PATH).
 */
public record MariaDbBinaries(Path installDb, Path server) {

    /** What to install when the programs are missing. */
    public static final String INSTALL_HINT = "MariaDB server programs (mariadb-install-db, mariadbd) were not found. "
            + "Install them (Debian/Ubuntu: sudo apt-get install -y mariadb-server mariadb-backup mariadb-client) "
            + "or point " + ExternalTools.ENV + " at the directory that holds them.";

    public MariaDbBinaries {
        if (!Files.isExecutable(installDb) || !Files.isExecutable(server)) {
            throw new MissingPrerequisiteException("No executable " + installDb + " or " + server + ". " + INSTALL_HINT);
        }
    }

    /** Finds the programs or throws {@link MissingPrerequisiteException} saying what to install. */
    public static MariaDbBinaries locate() {
        ExternalTools tools = ExternalTools.fromEnvironment();
        Optional<Path> installDb = tools.find("mariadb-install-db");
        Optional<Path> server = tools.find("mariadbd").or(() -> Optional.of(Path.of("/usr/sbin/mariadbd"))
                .filter(Files::isExecutable));
        if (installDb.isEmpty() || server.isEmpty()) {
            throw new MissingPrerequisiteException(INSTALL_HINT + " (looked in " + tools.searched("mariadbd")
                    + (server.isEmpty() ? " and /usr/sbin" : "") + ")");
        }
        return new MariaDbBinaries(installDb.get(), server.get());
    }
}
