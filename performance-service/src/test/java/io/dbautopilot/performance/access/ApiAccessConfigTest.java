package io.dbautopilot.performance.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credential settings: bad entries fail naming the setting; none configured turns access control off. */
class ApiAccessConfigTest {

    private static ApiAccess access(List<String> viewers, List<String> operators) {
        ApiAccess a = new ApiAccess(new ApiAccessConfig() {
            @Override
            public Optional<List<String>> viewerKeys() {
                return Optional.ofNullable(viewers);
            }

            @Override
            public Optional<List<String>> operatorKeys() {
                return Optional.ofNullable(operators);
            }
        });
        a.load();
        return a;
    }

    @Test
    void badEntriesNameTheSetting() {
        assertEquals("autopilot.api.viewer-keys[1]: expected 'name:secret'", assertThrows(IllegalArgumentException.class,
                () -> access(List.of("a:12345678", "no-colon"), null)).getMessage());
        assertEquals("autopilot.api.operator-keys[0]: the secret must be at least 8 characters",
                assertThrows(IllegalArgumentException.class, () -> access(null, List.of("op:short"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> access(List.of("a:same-secret"), List.of("b:same-secret"))).getMessage()
                .startsWith("autopilot.api.operator-keys[0]"));
    }

    @Test
    void credentialsResolveToTheirRole() {
        ApiAccess a = access(List.of("dash:viewer-secret"), List.of("alice:operator-secret"));
        assertTrue(a.enabled());
        assertEquals(new ApiAccess.Caller("alice", ApiAccess.Role.OPERATOR), a.authenticate("operator-secret").orElseThrow());
        assertEquals(ApiAccess.Role.VIEWER, a.authenticate("viewer-secret").orElseThrow().role());
        assertTrue(a.authenticate("other-secret").isEmpty());
        assertTrue(a.authenticate(null).isEmpty());
        assertFalse(access(null, null).enabled(), "no credentials: access control off");
    }
}
