package io.dbautopilot.support.problem;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unexpected error answers a 500 that carries a correlation id and nothing of the exception. */
class ProblemMappersTest {

    @Test
    void anUnexpectedErrorKeepsItsCauseInTheLogOnly() {
        ProblemMappers mappers = new ProblemMappers(null);
        Response r = mappers.unexpected(new IllegalStateException(
                "ERROR: permission denied for table secrets; SELECT password FROM secrets WHERE id = 7"), null);
        assertEquals(500, r.getStatus());
        assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());
        Problem p = (Problem) r.getEntity();
        assertNotNull(p.correlationId());
        assertTrue(p.detail().contains(p.correlationId()), p.detail());
        for (String leak : new String[]{"SELECT", "password", "secrets", "IllegalStateException", "permission"}) {
            assertFalse(p.detail().contains(leak), "the 500 must not carry '" + leak + "': " + p.detail());
        }
        Problem other = (Problem) mappers.unexpected(new IllegalStateException("x"), null).getEntity();
        assertFalse(other.correlationId().equals(p.correlationId()), "one id per error");
    }

    @Test
    void aRequestErrorSaysWhatWasWrong() {
        Response r = new ProblemMappers(null).problem(ProblemException.badRequest("'duration' must be positive"), null);
        assertEquals(400, r.getStatus());
        assertEquals("'duration' must be positive", ((Problem) r.getEntity()).detail());
    }
}
