package io.dbautopilot.automation.intake;

import io.dbautopilot.support.events.MalformedEventException;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;

/**
 * Accepts anomaly and recommendation events only from the configured CloudEvents sources
 * ({@code autopilot.intake.allowed-sources}): any producer with write access to the topic must not be able to
 * trigger automated actions by claiming to be someone else's events. Checked at start (a blank entry fails it).
 */
@Startup
@ApplicationScoped
public class EventSourceCheck {

    private static final Logger LOG = Logger.getLogger(EventSourceCheck.class);
    private static final int MAX_SHOWN = 120;

    private final IntakeConfig config;
    private Set<String> allowed;

    public EventSourceCheck(IntakeConfig config) {
        this.config = config;
    }

    @PostConstruct
    void validate() {
        List<String> sources = config.allowedSources();
        for (String s : sources) {
            if (s == null || s.isBlank() || !s.equals(s.strip())) {
                throw new IllegalArgumentException("autopilot.intake.allowed-sources: entries must be non-blank "
                        + "CloudEvents sources without surrounding spaces, got " + sources);
            }
        }
        allowed = Set.copyOf(sources);
        LOG.infof("Event intake accepts events from sources %s (autopilot.intake.allowed-sources)", sources);
    }

    /** Throws {@link MalformedEventException} (the record is dead-lettered with that reason) unless allowed. */
    public void check(String source) {
        if (!allowed.contains(source)) {
            throw new MalformedEventException("CloudEvents source '" + shown(source) + "' is not an allowed source "
                    + "(autopilot.intake.allowed-sources): the event is not acted on");
        }
    }

    /** The source as it may appear in a log line or a header: printable ASCII, shortened. */
    private static String shown(String source) {
        StringBuilder b = new StringBuilder();
        source.codePoints().limit(MAX_SHOWN).forEach(cp -> b.append(cp >= 0x20 && cp < 0x7f ? (char) cp : '?'));
        return source.length() > MAX_SHOWN ? b + "..." : b.toString();
    }
}
