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

    @Test
    void aPathTheUriParserRefusesStillGetsAProblemDocument() {
        // UriInfo.getPath() throws for a request path with a raw backslash or brackets (/api/anomalies/%5C/ack): the
        // mapper must still answer its problem document, not fail and leave the framework's empty answer
        jakarta.ws.rs.core.UriInfo unparseable = (jakarta.ws.rs.core.UriInfo) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.ws.rs.core.UriInfo.class}, (proxy, method, args) -> {
                    throw new IllegalArgumentException("Illegal character in path at index 15: /api/anomalies/\\/ack");
                });
        Response r = new ProblemMappers(null).web(new jakarta.ws.rs.BadRequestException("bad body"), unparseable);
        assertEquals(400, r.getStatus());
        assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());
        assertEquals(null, ((Problem) r.getEntity()).instance());
        assertEquals(500, new ProblemMappers(null).unexpected(new IllegalStateException("x"), unparseable).getStatus());
    }
}
