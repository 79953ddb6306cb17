package io.dbautopilot.support.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.TargetDefinition;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Imports {@code autopilot.targets-file} (YAML, a top-level {@code targets:} list of definitions) into the registry at
 * start: a bad file fails the start naming the entry and field; each entry whose registered definition differs is
 * written (source {@code file}); targets missing from the file stay registered.
 */
@ApplicationScoped
public class TargetsFileImporter {

    private static final Logger LOG = Logger.getLogger(TargetsFileImporter.class);
    private static final ObjectMapper YAML = EventJson.configure(new ObjectMapper(new YAMLFactory()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final TargetStore store;
    private final TargetWriter writer;
    private final TargetValidator validator;
    private final Duration catchUpTimeout;
    private final Optional<String> file;

    /** The importer of a service. */
    @Inject
    public TargetsFileImporter(TargetStore store, TargetWriter writer, TargetValidator validator, FleetConfig fleet,
                               @ConfigProperty(name = "autopilot.targets-file") Optional<String> file) {
        this(store, writer, validator, fleet.catchUpTimeout(), file);
    }

    /** An importer over an independent store and writer. */
    public TargetsFileImporter(TargetStore store, TargetWriter writer, TargetValidator validator,
                               Duration catchUpTimeout, Optional<String> file) {
        this.store = store;
        this.writer = writer;
        this.validator = validator;
        this.catchUpTimeout = catchUpTimeout;
        this.file = file.filter(f -> !f.isBlank());
    }

    /** The outcome of one import: ids written, ids already registered the same way. */
    public record Result(List<String> written, List<String> unchanged) {
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        file.ifPresent(f -> importFile(Path.of(f)));
    }

    /**
     * Validates the whole file, then writes each entry that the registry does not already hold the same way.
     *
     * @throws IllegalStateException naming the file, entry and field when the file is bad, or when the registry cannot
     *                               be read or written in time
     */
    public Result importFile(Path path) {
        List<TargetDefinition> definitions = parse(path, validator);
        if (!store.awaitCaughtUp(catchUpTimeout)) {
            throw new IllegalStateException("Targets file " + path + ": the fleet registry " + store.topic()
                    + " was not read within autopilot.fleet.catch-up-timeout (" + catchUpTimeout + "); is Kafka up?");
        }
        List<String> written = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        String by = path.toString();
        for (TargetDefinition d : definitions) {
            Optional<RegisteredTarget> current = store.get(d.id());
            if (current.isPresent() && current.get().definition().sameAs(d)) {
                unchanged.add(d.id());
                continue;
            }
            try {
                writer.put(d.stamped("file", Instant.now(), by));
            } catch (RuntimeException e) {
                throw new IllegalStateException("Targets file " + path + ": target '" + d.id()
                        + "' could not be registered: " + e.getMessage(), e);
            }
            written.add(d.id());
        }
        Set<String> inFile = definitions.stream().map(TargetDefinition::id).collect(Collectors.toSet());
        long elsewhere = store.all().stream().filter(t -> !inFile.contains(t.id())).count();
        LOG.infof("Imported targets file %s: %d targets, %d written, %d unchanged. Targets are never deleted because"
                        + " they left the file (%d other targets are registered); delete them through DELETE /api/targets/{id}",
                path, definitions.size(), written.size(), unchanged.size(), elsewhere);
        return new Result(List.copyOf(written), List.copyOf(unchanged));
    }

    /**
     * Reads and validates a targets file: a top-level {@code targets:} list of definitions with the registry's
     * snake_case fields.
     *
     * @throws IllegalArgumentException naming the file and, for each problem, the entry (index and id) and field
     */
    public static List<TargetDefinition> parse(Path path, TargetValidator validator) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("Targets file " + path + " cannot be read: "
                    + (e instanceof JsonMappingException j ? j.getOriginalMessage() : e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())), e);
        }
        if (root == null || !root.isObject() || !root.has("targets") || !root.get("targets").isArray()) {
            throw new IllegalArgumentException("Targets file " + path + " must hold a top-level 'targets:' list");
        }
        List<String> problems = new ArrayList<>();
        List<TargetDefinition> definitions = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonNode list = root.get("targets");
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String id = entry.path("id").isTextual() ? entry.path("id").asText() : null;
            String where = "targets[" + i + "]" + (id == null ? "" : " (id " + id + ")");
            TargetDefinition d;
            try {
                d = YAML.treeToValue(entry, TargetDefinition.class);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(where + ": " + mappingProblem(e));
                continue;
            }
            if (d == null) {
                problems.add(where + ": empty entry");
                continue;
            }
            for (FieldError error : validator.validate(d)) {
                problems.add(where + " " + (error.field().isEmpty() ? "" : error.field() + ": ") + error.message());
            }
            if (d.id() != null && !ids.add(d.id())) {
                problems.add(where + " id: target '" + d.id() + "' is defined more than once");
            }
            definitions.add(d);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Targets file " + path + " is not valid (nothing was imported):\n  "
                    + String.join("\n  ", problems));
        }
        return definitions;
    }

    private static String mappingProblem(Exception e) {
        if (e instanceof JsonMappingException j) {
            String field = j.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            return (field.isEmpty() ? "" : field + ": ") + j.getOriginalMessage();
        }
        return e.getMessage();
    }
}
