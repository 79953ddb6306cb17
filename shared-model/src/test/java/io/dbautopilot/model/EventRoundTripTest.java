package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every event record serialises to JSON that its schema accepts and reads back to an equal record. */
class EventRoundTripTest {

    private static final ObjectMapper MAPPER = EventJson.newMapper();
    private static final EventValidator VALIDATOR = new EventValidator();

    static Stream<Arguments> examples() {
        return Stream.of(
                Arguments.of(EventKind.METRIC_SNAPSHOT, Examples.snapshot()),
                Arguments.of(EventKind.ANOMALY, Examples.anomaly()),
                Arguments.of(EventKind.RECOMMENDATION, Examples.recommendation()),
                Arguments.of(EventKind.OPERATION, Examples.operation()),
                Arguments.of(EventKind.BENCHMARK, Examples.benchmark()),
                Arguments.of(EventKind.CANARY, Examples.canary()),
                Arguments.of(EventKind.HEALTH_SUMMARY, Examples.health()),
                Arguments.of(EventKind.TARGET_DEFINITION, Examples.target()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void serialisedExampleIsValidAgainstItsSchema(EventKind kind, Object event) throws Exception {
        String json = MAPPER.writeValueAsString(event);

        List<String> errors = VALIDATOR.validate(kind, json);

        assertEquals(List.of(), errors, () -> "schema errors for " + json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void roundTripGivesAnEqualRecord(EventKind kind, Object event) throws Exception {
        String json = MAPPER.writeValueAsString(event);

        Object back = MAPPER.readValue(json, kind.javaType());

        assertEquals(event, back, () -> "round trip of " + json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void propertyNamesAreSnakeCase(EventKind kind, Object event) {
        JsonNode tree = MAPPER.valueToTree(event);

        tree.fieldNames().forEachRemaining(name ->
                assertTrue(name.matches("[a-z]+(_[a-z]+)*"), () -> kind + " emits property " + name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void onlyRecordComponentsAreSerialised(EventKind kind, Object event) {
        JsonNode tree = MAPPER.valueToTree(event);

        tree.fieldNames().forEachRemaining(name -> assertTrue(
                Stream.of(event.getClass().getRecordComponents())
                        .anyMatch(c -> snake(c.getName()).equals(name)),
                () -> kind + " emits " + name + ", which is no record component"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void plainDefaultMapperReadsTheSameContract(EventKind kind, Object event) throws Exception {
        // @JsonNaming on the records means the contract holds even without the project's settings
        // (apart from java.time support).
        ObjectMapper plain = new ObjectMapper().findAndRegisterModules()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

        assertEquals(MAPPER.readTree(MAPPER.writeValueAsString(event)), plain.readTree(plain.writeValueAsString(event)));
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}
