package io.dbautopilot.support.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.EventJson;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Gives the Quarkus ObjectMapper (REST and Kafka) the project's event JSON settings. */
@Singleton
public class EventJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        EventJson.configure(mapper);
    }
}
