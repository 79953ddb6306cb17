package io.dbautopilot.support.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.url.DatabaseUrl;
import io.dbautopilot.support.window.RecurringWindow;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a target definition field by field: id pattern, engine, URL (parsed by {@code DatabaseUrl}, no credentials,
 * its scheme agreeing with the engine), credentials_ref syntax and that it resolves here, durations, windows (cron +
 * duration) and time zone, policy modes, numeric bounds. Returns every problem, each naming its field.
 */
@ApplicationScoped
public class TargetValidator {

    /** The modes a policy override may take. */
    public static final Set<String> POLICY_MODES = Set.of("auto", "window", "approval", "off");
    /** The sources a definition may name. */
    public static final Set<String> SOURCES = Set.of("api", "file", "properties");

    private static final Pattern ID = Pattern.compile(TargetDefinition.ID_PATTERN);
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper MAPPER = EventJson.newMapper();

    private final Credentials credentials;

    /** Resolves credentials_ref through {@code credentials}. */
    @Inject
    public TargetValidator(Credentials credentials) {
        this.credentials = credentials;
    }

    /** Every problem of the definition; empty when it is valid. */
    public List<FieldError> validate(TargetDefinition definition) {
        List<FieldError> errors = new ArrayList<>();
        if (definition == null) {
            errors.add(new FieldError("", "a target definition is required"));
            return errors;
        }
        checkId(definition.id(), errors);
        if (definition.engine() == null) {
            errors.add(new FieldError("engine", "required: one of postgresql, mysql, mariadb, sqlite, redis"));
        }
        checkUrl(definition.engine(), definition.url(), errors);
        if (definition.credentialsRef() != null) {
            credentials.problem(definition.credentialsRef())
                    .ifPresent(p -> errors.add(new FieldError("credentials_ref", p)));
        }
        definition.labels().forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                errors.add(new FieldError("labels", "a label name must not be blank"));
            }
        });
        checkCollection(definition.collection(), errors);
        checkAutomation(definition.automation(), errors);
        if (definition.source() != null && !SOURCES.contains(definition.source())) {
            errors.add(new FieldError("source", "'" + definition.source() + "' is not one of api, file, properties"));
        }
        schemaSafetyNet(definition, errors);
        return errors;
    }

    private static void checkId(String id, List<FieldError> errors) {
        if (id == null || id.isEmpty()) {
            errors.add(new FieldError("id", "required: letters, digits, '.', '_' or '-', starting with a letter or digit,"
                    + " at most 63 characters"));
        } else if (!ID.matcher(id).matches()) {
            errors.add(new FieldError("id", "'" + printable(id) + "' is not a valid target id: letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit, at most 63 characters"));
        }
    }

    private static void checkUrl(Engine engine, String url, List<FieldError> errors) {
        if (url == null || url.isBlank()) {
            errors.add(new FieldError("url", "required, e.g. " + example(engine)));
            return;
        }
        DatabaseUrl parsed;
        try {
            parsed = DatabaseUrl.parse(url);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("url", e.getMessage()));
            return;
        }
        if (engine == null) {
            return;
        }
        boolean matches = switch (engine) {
            case MARIADB -> parsed.engine().equals("mariadb") || parsed.engine().equals("mysql");
            default -> parsed.engine().equals(engine.wire());
        };
        if (!matches) {
            errors.add(new FieldError("url", "a " + engine.wire() + " target needs a "
                    + (engine == Engine.MARIADB ? "mariadb:// or mysql://" : engine.wire() + "://") + " URL, e.g. "
                    + example(engine) + "; this one is " + parsed.engine()));
            return;
        }
        if (engine == Engine.SQLITE) {
            sqliteProblem(Path.of(parsed.database())).ifPresent(p -> errors.add(new FieldError("url", p)));
        }
    }

    /**
     * Why {@code file} cannot be a SQLite target (missing, not a regular file, unreadable, not starting with the
     * SQLite header), naming the path; empty when it is a SQLite database file.
     */
    public static Optional<String> sqliteProblem(Path file) {
        if (!Files.exists(file)) {
            return Optional.of("SQLite database file " + file + " does not exist here");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is not a file (a SQLite URL names the database file)");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SQLITE_HEADER.length);
        } catch (IOException e) {
            return Optional.of("SQLite database file " + file + " is not readable by this process ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!Arrays.equals(head, SQLITE_HEADER)) {
            return Optional.of(file + " is not a SQLite database (it does not start with the header"
                    + " 'SQLite format 3')");
        }
        return Optional.empty();
    }

    private static void checkCollection(TargetDefinition.Collection c, List<FieldError> errors) {
        duration("collection.interval", c.interval(), errors);
        duration("collection.query_timeout", c.queryTimeout(), errors);
        duration("collection.cycle_budget", c.cycleBudget(), errors);
        if (c.maxConnections() != null && c.maxConnections() < 2) {
            errors.add(new FieldError("collection.max_connections", "must be at least 2 (one for the cycle, one spare),"
                    + " not " + c.maxConnections()));
        }
        Double ratio = c.busyConnectionRatio();
        if (ratio != null && (ratio.isNaN() || ratio <= 0 || ratio > 1)) {
            errors.add(new FieldError("collection.busy_connection_ratio", "must be greater than 0 and at most 1, not "
                    + ratio));
        }
        names("collection.include_databases", c.includeDatabases(), errors);
        names("collection.exclude_databases", c.excludeDatabases(), errors);
        names("collection.disabled_families", c.disabledFamilies(), errors);
        c.familyIntervals().forEach((family, interval) -> {
            if (family == null || family.isBlank()) {
                errors.add(new FieldError("collection.family_intervals", "a family name must not be blank"));
            } else {
                duration("collection.family_intervals." + family, interval, errors);
            }
        });
        if (c.dataDirectory() != null && !c.dataDirectory().isBlank() && !Path.of(c.dataDirectory()).isAbsolute()) {
            errors.add(new FieldError("collection.data_directory", "must be an absolute path, not '"
                    + c.dataDirectory() + "'"));
        }
    }

    private static void checkAutomation(TargetDefinition.Automation a, List<FieldError> errors) {
        ZoneId zone = ZoneOffset.UTC;
        if (a.timeZone() != null) {
            try {
                zone = ZoneId.of(a.timeZone());
            } catch (DateTimeException e) {
                errors.add(new FieldError("automation.time_zone", "'" + a.timeZone()
                        + "' is not a time zone; expected an IANA name such as Europe/Berlin or UTC"));
            }
        }
        for (int i = 0; i < a.maintenanceWindows().size(); i++) {
            String field = "automation.maintenance_windows[" + i + "]";
            String w = a.maintenanceWindows().get(i);
            if (w == null || w.isBlank()) {
                errors.add(new FieldError(field, "must not be blank: '<5 cron fields> <duration>', e.g. '0 2 * * SUN 3h'"));
                continue;
            }
            try {
                RecurringWindow.parse(w, zone);
            } catch (IllegalArgumentException | DateTimeException e) {
                errors.add(new FieldError(field, e.getMessage()));
            }
        }
        duration("automation.lock_timeout", a.lockTimeout(), errors);
        duration("automation.statement_timeout", a.statementTimeout(), errors);
        duration("automation.long_transaction_limit", a.longTransactionLimit(), errors);
        duration("automation.slow_query_threshold", a.slowQueryThreshold(), errors);
        a.policy().forEach((rule, mode) -> {
            if (rule == null || rule.isBlank()) {
                errors.add(new FieldError("automation.policy", "a rule name must not be blank"));
            } else if (mode == null || !POLICY_MODES.contains(mode)) {
                errors.add(new FieldError("automation.policy." + rule, "'" + mode
                        + "' is not a policy mode: auto, window, approval or off"));
            }
        });
        nonNegative("automation.replication_lag_limit_bytes", a.replicationLagLimitBytes(), 0, errors);
        nonNegative("automation.min_free_disk_bytes", a.minFreeDiskBytes(), 0, errors);
        nonNegative("automation.disk_capacity_bytes", a.diskCapacityBytes(), 1, errors);
        if (a.canary() != null && !java.util.Set.of("on", "off", "true", "false").contains(a.canary())) {
            errors.add(new FieldError("automation.canary", "'" + a.canary() + "' is not on or off"));
        }
    }

    private static void duration(String field, String text, List<FieldError> errors) {
        if (text == null) {
            return;
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(text.trim());
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null) {
            errors.add(new FieldError(field, "'" + text + "' is not a duration; expected e.g. 15s, 2m, 500ms or PT15S"));
        } else if (d.isZero() || d.isNegative()) {
            errors.add(new FieldError(field, "must be positive, not '" + text + "'"));
        }
    }

    private static void names(String field, List<String> values, List<FieldError> errors) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                errors.add(new FieldError(field + "[" + i + "]", "must not be blank"));
            }
        }
    }

    private static void nonNegative(String field, Long value, long min, List<FieldError> errors) {
        if (value != null && value < min) {
            errors.add(new FieldError(field, "must be at least " + min + ", not " + value));
        }
    }

    /** Whatever the schema of the registry still refuses (the store would skip it) under its field, if not reported. */
    private static void schemaSafetyNet(TargetDefinition definition, List<FieldError> errors) {
        if (definition.id() == null || definition.engine() == null || definition.url() == null) {
            return;
        }
        List<String> problems;
        try {
            problems = EventValidator.shared().validate(EventKind.TARGET_DEFINITION, MAPPER.valueToTree(definition));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("", "cannot be written as JSON: " + e.getMessage()));
            return;
        }
        for (String p : problems) {
            int colon = p.indexOf(':');
            String path = colon > 0 && p.startsWith("$") ? p.substring(0, colon) : "$";
            String field = path.replaceFirst("^\\$\\.?", "");
            String message = colon > 0 ? p.substring(colon + 1).trim() : p;
            boolean reported = errors.stream().anyMatch(e -> e.field().equals(field)
                    || !field.isEmpty() && e.field().startsWith(field + "."));
            if (!reported) {
                errors.add(new FieldError(field, message));
            }
        }
    }

    private static String example(Engine engine) {
        if (engine == null) {
            return "postgresql://host:5432/database";
        }
        return switch (engine) {
            case POSTGRESQL -> "postgresql://host:5432/database";
            case MYSQL -> "mysql://host:3306/database";
            case MARIADB -> "mariadb://host:3306/database";
            case SQLITE -> "sqlite:///absolute/path/app.db";
            case REDIS -> "redis://host:6379/0";
        };
    }

    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
    }
}
