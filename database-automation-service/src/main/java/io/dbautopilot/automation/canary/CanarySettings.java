package io.dbautopilot.automation.canary;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Pattern;

/** Checks {@link CanaryConfig} at start, failing naming the setting, so a bad value never reaches a target. */
@Startup
@ApplicationScoped
public class CanarySettings {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,47}");

    private final CanaryConfig config;

    public CanarySettings(CanaryConfig config) {
        this.config = config;
    }

    @PostConstruct
    void check() {
        validate(config);
    }

    /**
     * Throws naming the first bad setting.
     *
     * @throws IllegalArgumentException naming the setting and what is expected
     */
    static void validate(CanaryConfig c) {
        if (!IDENTIFIER.matcher(c.schema()).matches() || c.schema().startsWith("pg_")) {
            throw new IllegalArgumentException("autopilot.canary.schema: '" + c.schema() + "' must be a lower-case "
                    + "identifier ([a-z_][a-z0-9_]*, at most 48 characters, not pg_*): the canary's own schema");
        }
        positive("autopilot.canary.interval", c.interval());
        positive("autopilot.canary.deadline", c.deadline());
        positive("autopilot.canary.check-interval", c.checkInterval());
        if (c.rows() < 14_000 || c.rows() > 1_000_000) {
            throw new IllegalArgumentException("autopilot.canary.rows: " + c.rows() + " must be between 14000 and "
                    + "1000000 (three in four rows become dead tuples; the dead_tuples rule needs more than 10000)");
        }
    }

    private static void positive(String setting, java.time.Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be a positive duration, not " + d);
        }
    }
}
