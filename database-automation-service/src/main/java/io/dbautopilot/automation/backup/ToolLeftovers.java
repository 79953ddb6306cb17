package io.dbautopilot.automation.backup;

import io.dbautopilot.support.tool.ToolSupervision;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** At start, before any operation is retried: stops the tool process groups a killed earlier incarnation left running. */
@ApplicationScoped
public class ToolLeftovers {

    private static final Logger LOG = Logger.getLogger(ToolLeftovers.class);

    private final BackupConfig config;

    public ToolLeftovers(BackupConfig config) {
        this.config = config;
    }

    void sweep(@Observes @Priority(1) StartupEvent event) {
        if (!ToolSupervision.available()) {
            LOG.warn("setsid/setpriv (util-linux) not found: external tools are not stopped when the service is killed");
        }
        try {
            ToolSupervision.registry(Path.of(config.directory()).resolve(".tools").resolve(host()));
            List<Long> killed = ToolSupervision.sweep();
            if (!killed.isEmpty()) {
                LOG.warnf("Stopped %d tool process group(s) left running by an earlier, killed instance: %s",
                        killed.size(), killed);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot keep pid files of running tools under %s/.tools: %s", config.directory(), e.getMessage());
        }
    }

    private static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }
}
