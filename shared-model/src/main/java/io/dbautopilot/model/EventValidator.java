package io.dbautopilot.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validates event JSON against the contract's JSON Schemas (draft 2020-12, formats asserted,
 * locations as JSON paths such as {@code $.points[0].value}).
 *
 * <p>The schemas are loaded from this jar once per class loader and shared by every instance;
 * instances are cheap, immutable and safe to use from many threads. Validation never throws for
 * bad input: it returns messages, and an empty list means the document is valid.
 */
public final class EventValidator {

    private static final ObjectMapper MAPPER = EventJson.newMapper();

    /** Rejects trailing content such as {@code {} junk}, which a plain readTree would ignore. */
    private static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Lazily loaded compiled schemas, shared by all instances (holder idiom: thread-safe, once). */
    private static final class Schemas {
        static final Map<EventKind, JsonSchema> BY_KIND = load();

        private static Map<EventKind, JsonSchema> load() {
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                    builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(EventKind.SCHEMA_ID_PREFIX, "classpath:schemas/")));
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_PATH)
                    .build();
            Map<EventKind, JsonSchema> schemas = new EnumMap<>(EventKind.class);
            for (EventKind kind : EventKind.values()) {
                JsonNode node = readResource(kind.schemaResource());
                JsonSchema schema = factory.getSchema(SchemaLocation.of(kind.schemaId()), node, config);
                schema.initializeValidators();
                schemas.put(kind, schema);
            }
            return schemas;
        }

        private static JsonNode readResource(String resource) {
            ClassLoader loader = EventValidator.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("JSON Schema " + resource + " is missing from the classpath");
                }
                return MAPPER.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read JSON Schema " + resource, e);
            }
        }
    }

    private static final EventValidator SHARED = new EventValidator();

    /** Creates a validator; the schemas are shared, so this is cheap. */
    public EventValidator() {
    }

    /**
     * A shared instance, for callers that do not inject one.
     *
     * @return the shared validator
     */
    public static EventValidator shared() {
        return SHARED;
    }

    /**
     * Validates a parsed document.
     *
     * @param kind which schema to apply
     * @param doc  the document; null is reported as a message
     * @return human-readable messages such as {@code $.severity: does not have a value in the
     *         enumeration [...]}, sorted; empty when the document is valid
     */
    public List<String> validate(EventKind kind, JsonNode doc) {
        Objects.requireNonNull(kind, "kind");
        if (doc == null || doc.isMissingNode()) {
            return List.of("no document to validate");
        }
        return messages(Schemas.BY_KIND.get(kind).validate(doc));
    }

    /**
     * Parses and validates a JSON text.
     *
     * @param kind which schema to apply
     * @param json the JSON text
     * @return human-readable messages, sorted; {@code "not valid JSON: …"} if the text does not
     *         parse; empty when the document is valid
     */
    public List<String> validate(EventKind kind, String json) {
        Objects.requireNonNull(kind, "kind");
        if (json == null || json.isBlank()) {
            return List.of("not valid JSON: empty document");
        }
        JsonNode doc;
        try {
            doc = READER.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of("not valid JSON: " + e.getOriginalMessage());
        }
        return validate(kind, doc);
    }

    private static List<String> messages(Collection<ValidationMessage> found) {
        return found.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
