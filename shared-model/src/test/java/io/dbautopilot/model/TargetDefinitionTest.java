package io.dbautopilot.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetDefinitionTest {

    private final ObjectMapper mapper = EventJson.newMapper();
    private final EventValidator validator = EventValidator.shared();

    @Test
    void minimalDefinitionTakesDefaultsAndIsValid() throws Exception {
        TargetDefinition parsed = mapper.readValue(
                "{\"id\":\"cache\",\"engine\":\"redis\",\"url\":\"redis://localhost:6379\"}", TargetDefinition.class);
        assertEquals(Engine.REDIS, parsed.engine());
        assertEquals(null, parsed.trust(), "no trust given: the automation service's default applies");
        assertFalse(mapper.writeValueAsString(parsed).contains("trust"), "an absent trust is not written as null");
        assertEquals(TargetDefinition.Collection.DEFAULTS, parsed.collection());
        assertEquals(TargetDefinition.Automation.DEFAULTS, parsed.automation());
        assertEquals(List.of(), validator.validate(EventKind.TARGET_DEFINITION, mapper.writeValueAsString(parsed)));
    }

    @Test
    void sameAsIgnoresOriginOnly() {
        TargetDefinition target = Examples.target();
        assertTrue(target.sameAs(target.stamped("file", Instant.EPOCH, "/etc/targets.yaml")));
        TargetDefinition relabelled = new TargetDefinition(target.id(), target.engine(), target.url(), target.username(),
                target.credentialsRef(), java.util.Map.of("env", "staging"), target.collection(), target.automation(),
                target.trust(), target.source(), target.updatedAt(), target.updatedBy());
        assertFalse(target.sameAs(relabelled));
        assertNotEquals(target, relabelled);
    }

    @Test
    void schemaRefusesSecretsInTheWrongPlaceAndUnknownEngines() {
        assertFalse(validator.validate(EventKind.TARGET_DEFINITION,
                "{\"id\":\"a\",\"engine\":\"oracle\",\"url\":\"x\"}").isEmpty());
        assertFalse(validator.validate(EventKind.TARGET_DEFINITION,
                "{\"id\":\"a\",\"engine\":\"postgresql\",\"url\":\"x\",\"credentials_ref\":\"hunter2\"}").isEmpty());
        assertFalse(validator.validate(EventKind.TARGET_DEFINITION,
                "{\"id\":\"../etc\",\"engine\":\"postgresql\",\"url\":\"x\"}").isEmpty());
    }

    @Test
    void wireNamesAreLowerCase() throws Exception {
        String json = mapper.writeValueAsString(Examples.target());
        assertTrue(json.contains("\"engine\":\"postgresql\""), json);
        assertTrue(json.contains("\"trust\":\"approve\""), json);
        assertTrue(json.contains("\"credentials_ref\":\"env:ORDERS_DB_PASSWORD\""), json);
        assertTrue(json.contains("\"family_intervals\":{\"tables\":\"2m\"}"), json);
    }
}
