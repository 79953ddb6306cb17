package io.dbautopilot.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Objects;

/**
 * The project's Jackson settings for event JSON: ISO-8601 instants and tolerance of unknown
 * properties, so additive contract changes never break a consumer.
 */
public final class EventJson {

    private EventJson() {
    }

    /**
     * A new mapper configured the project's way.
     *
     * @return a mapper with {@link #configure(ObjectMapper)} applied
     */
    public static ObjectMapper newMapper() {
        return configure(new ObjectMapper());
    }

    /**
     * Applies the project's settings to an existing mapper (Quarkus services call this from an
     * {@code ObjectMapperCustomizer}): registers {@link JavaTimeModule} and {@link Jdk8Module},
     * writes dates as ISO-8601 strings and ignores unknown properties on read.
     *
     * @param mapper the mapper to configure
     * @return the same mapper
     */
    public static ObjectMapper configure(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        mapper.registerModule(new JavaTimeModule());
        mapper.registerModule(new Jdk8Module());
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return mapper;
    }
}
