package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.detect.DetectionConfig;
import io.dbautopilot.performance.engine.EngineRules;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rules in force: loaded at start (an invalid file fails the start) and reloaded when the file's modification
 * time changes (an invalid edit is logged with the reason and the previous rules stay).
 */
@Startup
@ApplicationScoped
public class ActiveRules implements EngineRules {

    /** The rules shipped with the service. */
    public static final String DEFAULT_RULES = "classpath:rules/default-rules.yaml";

    private static final Logger LOG = Logger.getLogger(ActiveRules.class);

    private final RuleLoader loader;
    private final String location;
    private final AtomicReference<RuleSet> current = new AtomicReference<>();
    private volatile FileTime loadedMtime;

    @Inject
    public ActiveRules(RuleLoader loader, DetectionConfig config) {
        this(loader, config.rulesFile().orElse(DEFAULT_RULES));
    }

    /** Rules from a location (filesystem path or {@code classpath:...}); throws {@link RuleFileException} if invalid. */
    public ActiveRules(RuleLoader loader, String location) {
        this.loader = loader;
        this.location = location;
        FileTime mtime = mtime();
        current.set(loader.parse(location, read()));
        loadedMtime = mtime;
        LOG.infof("Detection rules: %d from %s", current.get().rules().size(), location);
    }

    /** The rules of PostgreSQL targets (the shipped file, or {@code autopilot.detection.rules-file}). */
    @Override
    public java.util.Set<Engine> engines() {
        return java.util.Set.of(Engine.POSTGRESQL);
    }

    /** The rules in force. */
    @Override
    public RuleSet current() {
        return current.get();
    }

    /** Reloads the file if it changed; keeps the old rules if the new text is invalid. */
    @Scheduled(every = "${autopilot.detection.reload-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void reloadIfChanged() {
        if (location.startsWith("classpath:")) {
            return;
        }
        FileTime mtime = mtime();
        if (mtime == null || mtime.equals(loadedMtime)) {
            return;
        }
        try {
            RuleSet fresh = loader.parse(location, read());
            current.set(fresh);
            LOG.infof("Detection rules reloaded: %d from %s", fresh.rules().size(), location);
        } catch (RuleFileException | UncheckedIOException e) {
            LOG.errorf("Detection rules NOT reloaded, keeping the %d rules loaded at %s: %s",
                    current.get().rules().size(), current.get().loadedAt(), e.getMessage());
        }
        loadedMtime = mtime;
    }

    private FileTime mtime() {
        if (location.startsWith("classpath:")) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(Path.of(location));
        } catch (IOException e) {
            return null;
        }
    }

    private String read() {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new RuleFileException(location + ": no such resource");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return Files.readString(Path.of(location));
        } catch (IOException e) {
            throw new RuleFileException(location + ": cannot read rules file: " + e, e);
        }
    }
}
