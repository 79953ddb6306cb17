package io.dbautopilot.support.access;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key settings: bad entries fail naming the setting; keys resolve to their caller and roles; the open switch. */
class ApiKeysTest {

    private static ApiKeys keys(List<String> viewers, List<String> operators, boolean open) {
        ApiKeys k = new ApiKeys(new ApiAccessConfig() {
            @Override
            public Optional<List<String>> viewerKeys() {
                return Optional.ofNullable(viewers);
            }

            @Override
            public Optional<List<String>> operatorKeys() {
                return Optional.ofNullable(operators);
            }

            @Override
            public boolean open() {
                return open;
            }
        });
        k.load();
        return k;
    }

    @Test
    void badEntriesNameTheSetting() {
        assertEquals("autopilot.api.viewer-keys[1]: expected 'name:secret'", assertThrows(IllegalArgumentException.class,
                () -> keys(List.of("a:12345678", "no-colon"), null, false)).getMessage());
        assertEquals("autopilot.api.operator-keys[0]: the secret must be at least 8 characters",
                assertThrows(IllegalArgumentException.class, () -> keys(null, List.of("op:short"), false)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> keys(List.of("a:same-secret"), List.of("b:same-secret"), false)).getMessage()
                .startsWith("autopilot.api.operator-keys[0]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> keys(List.of("a:viewer-secret"), null, true)).getMessage()
                .startsWith("autopilot.api.open=true contradicts the configured API keys"));
    }

    @Test
    void keysResolveToTheirCallerAndRoles() {
        ApiKeys k = keys(List.of("dash:viewer-secret"), List.of("alice:operator-secret", "bob:operator-secret-2"), false);
        assertTrue(k.configured());
        assertFalse(k.open());
        assertEquals(new ApiKeys.Caller("alice", Set.of(Roles.VIEWER, Roles.OPERATOR)),
                k.authenticate("operator-secret").orElseThrow());
        assertEquals("bob", k.authenticate("operator-secret-2").orElseThrow().name());
        assertEquals(Set.of(Roles.VIEWER), k.authenticate("viewer-secret").orElseThrow().roles());
        assertTrue(k.authenticate("operator-secret-").isEmpty(), "a prefix of a key is not the key");
        assertTrue(k.authenticate("other-secret").isEmpty());
        assertTrue(k.authenticate("").isEmpty());
        assertTrue(k.authenticate(null).isEmpty());
    }

    @Test
    void withoutKeysOnlyTheExplicitSwitchOpensWrites() {
        ApiKeys none = keys(null, null, false);
        assertFalse(none.configured());
        assertFalse(none.open());
        assertTrue(keys(null, List.of(), true).open());
    }
}
