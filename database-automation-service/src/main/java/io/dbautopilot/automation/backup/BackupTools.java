package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the backup tools at start-up and says which engines are available; a missing tool is logged with how to
 * install it and makes only its engine unavailable.
 */
@Startup
@ApplicationScoped
public class BackupTools {

    private static final Logger LOG = Logger.getLogger(BackupTools.class);

    /** What is known about one engine on this machine. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EngineAvailability(EngineKind engine, boolean available, Map<String, String> tools,
                                     List<String> missing, String version, String install) {
    }

    private final BackupConfig config;
    private final Map<EngineKind, EngineAvailability> engines = new EnumMap<>(EngineKind.class);
    private final Map<String, Path> found = new java.util.concurrent.ConcurrentHashMap<>();
    private Optional<Path> pgBinDir = Optional.empty();

    public BackupTools(BackupConfig config) {
        this.config = config;
    }

    @PostConstruct
    void detect() {
        Optional<Path> pgBin = config.pgBin().map(Path::of).or(BackupTools::newestPgBin);
        pgBinDir = pgBin;
        for (EngineKind kind : EngineKind.values()) {
            Map<String, String> tools = new java.util.LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String tool : kind.tools()) {
                String name = tool.equals("pgbackrest") ? config.pgbackrest() : tool;
                Optional<Path> path = locate(name, tool.startsWith("pg_") ? pgBin : Optional.empty());
                if (path.isPresent()) {
                    tools.put(tool, path.get().toString());
                    found.put(tool, path.get());
                } else {
                    missing.add(tool);
                }
            }
            String version = missing.isEmpty() ? version(found.get(kind.tools().get(0))) : null;
            EngineAvailability a = new EngineAvailability(kind, missing.isEmpty(), tools, missing, version,
                    missing.isEmpty() ? null : kind.install());
            engines.put(kind, a);
            if (a.available()) {
                LOG.infof("Backup engine %s available: %s", kind.wire(), version);
            } else {
                LOG.warnf("Backup engine %s unavailable: %s not found (looked in %s and the PATH). Install: %s",
                        kind.wire(), String.join(", ", missing), pgBin.map(Path::toString).orElse("no PostgreSQL bin directory"),
                        kind.install());
            }
        }
    }

    /** Availability of every engine. */
    public List<EngineAvailability> engines() {
        return List.copyOf(engines.values());
    }

    /** Availability of one engine. */
    public EngineAvailability engine(EngineKind kind) {
        return engines.get(kind);
    }

    /** Path of a tool of an available engine, or a clear error saying how to install it. */
    public Path tool(String name) {
        Path p = found.get(name);
        if (p == null) {
            String install = engines.values().stream().filter(e -> e.missing().contains(name)).findFirst()
                    .map(EngineAvailability::install).orElse("install it and restart the service");
            throw new MissingToolException("'" + name + "' is not installed on this machine: " + install);
        }
        return p;
    }

    /** A PostgreSQL server program (pg_ctl, initdb) for scratch clusters of restores and drills. */
    public Path serverTool(String name) {
        return locate(name, pgBinDir).orElseThrow(() -> new MissingToolException("'" + name + "' (PostgreSQL server "
                + "binaries) is not installed: sudo apt-get install -y postgresql (restores and drills start a scratch "
                + "cluster with it)"));
    }

    /**
     * A server program of one PostgreSQL major version (a restored data directory starts only with its own
     * version's binaries): {@code /usr/lib/postgresql/<major>/bin/<name>} when installed, else the one of
     * {@code pg-bin} / the newest installed version (pg_ctl then says clearly if the versions differ).
     */
    public Path serverTool(String name, int major) {
        Path versioned = Path.of("/usr/lib/postgresql", Integer.toString(major), "bin", name);
        if (major <= 0 || config.pgBin().filter(d -> Files.isExecutable(Path.of(d, name))).isPresent()) {
            return serverTool(name); // unknown version, or the operator chose the binaries
        }
        if (Files.isExecutable(versioned)) {
            return versioned;
        }
        if (pgBinDir.filter(d -> d.endsWith(Path.of(Integer.toString(major), "bin"))).isPresent()) {
            return serverTool(name);
        }
        throw new MissingToolException("the backup holds a PostgreSQL " + major + " cluster but '" + name
                + "' of PostgreSQL " + major + " is not installed: sudo apt-get install -y postgresql-" + major
                + " (or set autopilot.backup.pg-bin to its bin directory)");
    }

    /** Major version of the client tools ({@code pg_basebackup --version}), 0 when unknown. */
    public int clientMajor() {
        EngineAvailability a = engines.get(EngineKind.PG_BASEBACKUP);
        if (a == null || a.version() == null) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(\\.\\d+)?").matcher(a.version());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** A tool that an engine needs is not installed. */
    public static class MissingToolException extends RuntimeException {
        public MissingToolException(String message) {
            super(message);
        }
    }

    private static Optional<Path> newestPgBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                    .map(d -> d.resolve("bin")).filter(Files::isDirectory);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> locate(String name, Optional<Path> preferredDir) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (preferredDir.isPresent() && Files.isExecutable(preferredDir.get().resolve(name))) {
            return Optional.of(preferredDir.get().resolve(name));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    private static String version(Path tool) {
        try {
            Process p = new ProcessBuilder(tool.toString(), versionFlag(tool))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String versionFlag(Path tool) {
        return tool.getFileName().toString().equals("pgbackrest") ? "version" : "--version";
    }
}
