package io.dbautopilot.localstack.redis;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import io.dbautopilot.support.tool.ExternalTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The installed {@code redis-server} and {@code redis-cli} a throwaway Redis runs with, found by the services' one
 * tool lookup ({@link ExternalTools}: {@code autopilot.tools.directory}, then the {@code PATH}).
 */
public record RedisBinaries(Path server, Path cli) {

    /** What to install when the programs are missing. */
    public static final String INSTALL_HINT = "Redis programs (redis-server, redis-cli) were not found. "
            + "Install them (Debian/Ubuntu: sudo apt-get install -y redis-server redis-tools) "
            + "or point " + ExternalTools.ENV + " at the directory that holds them.";

    public RedisBinaries {
        if (!Files.isExecutable(server) || !Files.isExecutable(cli)) {
            throw new MissingPrerequisiteException("No executable " + server + " or " + cli + ". " + INSTALL_HINT);
        }
    }

    /** Finds the programs or throws {@link MissingPrerequisiteException} saying what to install. */
    public static RedisBinaries locate() {
        ExternalTools tools = ExternalTools.fromEnvironment();
        Optional<Path> server = tools.find("redis-server");
        Optional<Path> cli = tools.find("redis-cli");
        if (server.isEmpty() || cli.isEmpty()) {
            throw new MissingPrerequisiteException(INSTALL_HINT + " (looked in " + tools.searched("redis-server") + ")");
        }
        return new RedisBinaries(server.get(), cli.get());
    }
}
