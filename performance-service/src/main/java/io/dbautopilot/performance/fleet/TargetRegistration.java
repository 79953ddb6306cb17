package io.dbautopilot.performance.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.performance.engine.EngineCollector;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.performance.engine.ServerCheck;
import io.dbautopilot.support.fleet.Credentials;
import io.dbautopilot.support.fleet.FieldError;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetValidator;
import io.dbautopilot.support.fleet.TargetWriter;
import io.dbautopilot.support.url.DatabaseUrl;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Registration of targets through the API: parses a definition strictly (unknown fields refused), validates it (the
 * registry's rules plus the collector's: known families, at least 2 connections, positive durations), optionally
 * connects once, and writes it stamped {@code source=api}. Blocking: call it on a worker thread.
 */
@ApplicationScoped
public class TargetRegistration {

    /** The {@code source} of definitions written through the API. */
    public static final String SOURCE = "api";

    /** The outcome of a registration that was refused: every problem, each naming its field. */
    public static final class Invalid extends RuntimeException {

        private final transient List<FieldError> errors;
        private final transient TargetCheck.Result check;

        /** Refused for these problems. */
        public Invalid(List<FieldError> errors) {
            this(errors, null);
        }

        /** Refused for these problems, found by a check. */
        public Invalid(List<FieldError> errors, TargetCheck.Result check) {
            super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
            this.errors = List.copyOf(errors);
            this.check = check;
        }

        /** The problems. */
        public List<FieldError> errors() {
            return errors;
        }

        /** The failed check, when one ran. */
        public TargetCheck.Result check() {
            return check;
        }
    }

    private final ObjectReader reader;
    private final TargetValidator validator;
    private final TargetWriter writer;
    private final Credentials credentials;
    private final Engines engines;

    public TargetRegistration(ObjectMapper mapper, TargetValidator validator, TargetWriter writer,
                              Credentials credentials, Engines engines) {
        this.reader = mapper.readerFor(TargetDefinition.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.validator = validator;
        this.writer = writer;
        this.credentials = credentials;
        this.engines = engines;
    }

    /**
     * Parses a request body.
     *
     * @throws Invalid naming the field that could not be read (or {@code body})
     */
    public TargetDefinition parse(String body) {
        if (body == null || body.isBlank()) {
            throw new Invalid(List.of(new FieldError("body", "a target definition (JSON object) is required")), null);
        }
        try {
            TargetDefinition definition = reader.readValue(body);
            if (definition == null) {
                throw new Invalid(List.of(new FieldError("body", "a target definition (JSON object) is required")), null);
            }
            return definition;
        } catch (JsonMappingException e) {
            String field = path(e);
            String message = e.getOriginalMessage();
            Throwable root = e.getCause();
            if (root instanceof IllegalArgumentException && root.getMessage() != null) {
                message = root.getMessage();
            }
            if (field.equals("engine")) {
                message = "unknown engine; expected one of " + java.util.Arrays.stream(Engine.values()).map(Engine::wire).toList();
            }
            throw new Invalid(List.of(new FieldError(field, firstLine(message))), null);
        } catch (JsonProcessingException e) {
            throw new Invalid(List.of(new FieldError("body", "not valid JSON: " + firstLine(e.getOriginalMessage()))), null);
        }
    }

    /**
     * Validates, optionally checks, and writes a definition.
     *
     * @param check  connect once first; a failed check registers nothing
     * @param caller who registers it ({@code updated_by})
     * @return the target as the registry now holds it, and the check's result when one ran
     * @throws Invalid when the definition (or its check) fails; nothing is written
     */
    public Registered register(TargetDefinition definition, boolean check, String caller) {
        List<FieldError> errors = problems(definition);
        if (!errors.isEmpty()) {
            throw new Invalid(errors, null);
        }
        TargetCheck.Result result = null;
        if (check) {
            result = check(definition);
            if (!result.ok()) {
                throw new Invalid(List.of(new FieldError(result.field(), "check failed: " + result.error())), result);
            }
        }
        RegisteredTarget written = writer.put(definition.stamped(SOURCE, Instant.now(), caller));
        return new Registered(written, result);
    }

    /**
     * A registered target, and the check's outcome when one ran.
     *
     * @param target the target as the registry holds it
     * @param check  the check, or null
     */
    public record Registered(RegisteredTarget target, TargetCheck.Result check) {
    }

    /** Removes a target; false when it was not registered. */
    public boolean remove(String id) {
        return writer.remove(id);
    }

    /** Every problem of a definition: the registry's rules and the collector's. */
    public List<FieldError> problems(TargetDefinition definition) {
        List<FieldError> errors = new ArrayList<>(validator.validate(definition));
        TargetDefinition.Collection c = definition.collection();
        // the families of the engine's collector (none to check against when the engine has no collector: it is
        // registered and shown as unavailable)
        Set<String> known = definition.engine() == null ? Set.of()
                : engines.collector(definition.engine()).map(EngineCollector::familyNames).orElse(Set.of());
        boolean checkNames = !known.isEmpty();
        if (definition.engine() != null && definition.url() != null) {
            try {
                engines.collector(definition.engine()).flatMap(e -> e.urlProblem(DatabaseUrl.parse(definition.url())))
                        .ifPresent(problem -> errors.add(new FieldError("url", problem)));
            } catch (IllegalArgumentException malformed) {
                // the registry's own rules report a malformed URL
            }
        }
        for (int i = 0; i < c.disabledFamilies().size(); i++) {
            String f = c.disabledFamilies().get(i);
            if (checkNames && !known.contains(f)) {
                errors.add(new FieldError("collection.disabled_families[" + i + "]", "unknown family '" + f
                        + "'; known families: " + known));
            }
        }
        c.familyIntervals().forEach((f, d) -> {
            if (checkNames && !known.contains(f)) {
                errors.add(new FieldError("collection.family_intervals." + f, "unknown family '" + f
                        + "'; known families: " + known));
            }
            positive(errors, "collection.family_intervals." + f, d);
        });
        positive(errors, "collection.interval", c.interval());
        positive(errors, "collection.query_timeout", c.queryTimeout());
        positive(errors, "collection.cycle_budget", c.cycleBudget());
        if (c.maxConnections() != null && c.maxConnections() < 2) {
            errors.add(new FieldError("collection.max_connections", "must be at least 2 (one connection for "
                    + "server-wide statistics, one for per-database statistics)"));
        }
        if (c.busyConnectionRatio() != null && !(c.busyConnectionRatio() > 0 && c.busyConnectionRatio() <= 1)) {
            errors.add(new FieldError("collection.busy_connection_ratio", "must be in (0, 1]"));
        }
        // the same field may be named by both rule sets: report it once per message
        return errors.stream().distinct().toList();
    }

    private TargetCheck.Result check(TargetDefinition definition) {
        Optional<EngineCollector> collector = engines.collector(definition.engine());
        if (collector.isEmpty()) {
            return new TargetCheck.Result(false, null, Engines.notCollected(definition.engine())
                    + ": it cannot be checked", "engine");
        }
        Optional<String> password = Optional.empty();
        if (definition.credentialsRef() != null && !definition.credentialsRef().isBlank()) {
            try {
                password = Optional.of(credentials.resolve(definition.credentialsRef()));
            } catch (RuntimeException e) {
                return new TargetCheck.Result(false, null, e.getMessage(), "credentials_ref");
            }
        }
        RegistryTargetSettings settings;
        try {
            settings = RegistryTargetSettings.of(definition, password);
        } catch (RuntimeException e) {
            return new TargetCheck.Result(false, null, e.getMessage(), "url");
        }
        ServerCheck r = collector.get().check(definition.id(), settings);
        return new TargetCheck.Result(r.ok(), r.serverVersion(), r.error(), r.field());
    }

    private static void positive(List<FieldError> errors, String field, String text) {
        if (text == null) {
            return;
        }
        try {
            Duration d = RegistryTargetSettings.duration(field, text, null);
            if (d.isZero() || d.isNegative()) {
                errors.add(new FieldError(field, "must be a positive duration, was '" + text + "'"));
            }
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "'" + text + "' is not a duration (e.g. 15s, 2m, PT15S)"));
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
