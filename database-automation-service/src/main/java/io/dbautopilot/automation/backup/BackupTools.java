package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.support.tool.ExternalTools;
import io.dbautopilot.support.tool.ToolNotFoundException;
import io.dbautopilot.support.tool.ToolProcess;
import io.dbautopilot.support.tool.ToolStatus;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says at start-up which backup engines are available on this machine, through the one tool lookup
 * ({@link ExternalTools}, {@code autopilot.tools.directory}); a missing tool is logged once with how to install it and
 * makes only its engine unavailable.
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

    private final ExternalTools lookup;
    private final Map<EngineKind, EngineAvailability> engines = new EnumMap<>(EngineKind.class);
    private final Map<String, Path> found = new ConcurrentHashMap<>();

    public BackupTools(ExternalTools lookup) {
        this.lookup = lookup;
    }

    @PostConstruct
    void detect() {
        for (EngineKind kind : EngineKind.values()) {
            Map<String, String> tools = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String tool : kind.tools()) {
                ToolStatus status = lookup.status(tool);
                if (status.available()) {
                    tools.put(tool, status.path().get().toString());
                    found.put(tool, status.path().get());
                } else {
                    missing.add(tool);
                    problems.add(status.problem());
                }
            }
            String version = kind.tools().isEmpty() ? "in-process" // runs through a library of the service
                    : missing.isEmpty() ? version(found.get(kind.tools().get(0))) : null;
            EngineAvailability a = new EngineAvailability(kind, missing.isEmpty(), tools, missing, version,
                    missing.isEmpty() ? null : kind.install());
            engines.put(kind, a);
            if (a.available()) {
                LOG.infof("Backup engine %s available: %s", kind.wire(), version);
            } else {
                LOG.warnf("Backup engine %s unavailable: %s", kind.wire(), String.join("; ", problems));
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

    /** Path of a tool of an available engine, or {@link ToolNotFoundException} saying how to install it. */
    public Path tool(String name) {
        Path p = found.get(name);
        return p != null ? p : lookup.require(name);
    }

    /** A PostgreSQL server program (pg_ctl, initdb) for scratch clusters of restores and drills. */
    public Path serverTool(String name) {
        return lookup.require(name);
    }

    /**
     * A server program of one PostgreSQL major version (a restored data directory starts only with its own
     * version's binaries); {@code major <= 0}: any version.
     */
    public Path serverTool(String name, int major) {
        return lookup.requirePostgres(name, major);
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

    private static String version(Path tool) {
        String flag = tool.getFileName().toString().equals("pgbackrest") ? "version" : "--version";
        try {
            ToolProcess.Result r = ToolProcess.of(List.of(tool.toString(), flag)).run(Duration.ofSeconds(10));
            return r.tail().isEmpty() ? "unknown" : r.tail().get(0);
        } catch (IOException e) {
            return "unknown";
        }
    }
}
