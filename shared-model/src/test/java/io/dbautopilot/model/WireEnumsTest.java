package io.dbautopilot.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Enums travel as lower-case strings and are read in either case. */
class WireEnumsTest {

    private static final ObjectMapper MAPPER = EventJson.newMapper();

    private static final List<Class<? extends Enum<?>>> ENUMS = List.of(
            Severity.class, AnomalyState.class, RecommendationState.class, Risk.class,
            OperationState.class, FamilyStatus.class);

    @Test
    void everyConstantIsWrittenInLowerCaseAndReadInEitherCase() throws Exception {
        for (Class<? extends Enum<?>> type : ENUMS) {
            for (Enum<?> constant : type.getEnumConstants()) {
                String lower = constant.name().toLowerCase();
                assertEquals('"' + lower + '"', MAPPER.writeValueAsString(constant));
                assertEquals(constant, MAPPER.readValue('"' + lower + '"', type));
                assertEquals(constant, MAPPER.readValue('"' + constant.name() + '"', type));
            }
        }
    }

    @Test
    void unknownValueFailsWithTheValueInTheMessage() {
        var e = assertThrows(ValueInstantiationException.class, () -> MAPPER.readValue("\"SEVERE\"", Severity.class));
        assertTrue(e.getMessage().contains("SEVERE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Severity.fromWire("severe"));
    }

    @Test
    void severityIsOrdered() {
        assertTrue(Severity.CRITICAL.atLeast(Severity.WARNING));
        assertTrue(Severity.WARNING.atLeast(Severity.WARNING));
        assertFalse(Severity.INFO.atLeast(Severity.WARNING));
        assertTrue(Severity.EMERGENCY.atLeast(Severity.CRITICAL));
    }

    @Test
    void onlySucceededFailedCancelledWouldRunAndVerifiedAreTerminal() {
        assertEquals(EnumSet.of(OperationState.SUCCEEDED, OperationState.FAILED, OperationState.CANCELLED,
                        OperationState.WOULD_RUN, OperationState.VERIFIED),
                EnumSet.copyOf(EnumSet.allOf(OperationState.class).stream().filter(OperationState::terminal).toList()));
    }
}
