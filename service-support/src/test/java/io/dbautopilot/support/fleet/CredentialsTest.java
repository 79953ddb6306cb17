package io.dbautopilot.support.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** env: and file: references resolve; every failure says why without the secret. */
class CredentialsTest {

    private final Credentials credentials = new Credentials(Map.of("ORDERS_PW", "s3cret", "EMPTY", "")::get);

    @Test
    void envReferenceResolves() {
        assertEquals("s3cret", credentials.resolve("env:ORDERS_PW"));
        assertEquals(Optional.empty(), credentials.problem("env:ORDERS_PW"));
    }

    @Test
    void unsetOrEmptyVariableIsAProblemNamingIt() {
        String unset = credentials.problem("env:MISSING_PW").orElseThrow();
        assertTrue(unset.contains("MISSING_PW") && unset.contains("not set"), unset);
        assertTrue(credentials.problem("env:EMPTY").orElseThrow().contains("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> credentials.resolve("env:MISSING_PW"));
        assertTrue(e.getMessage().contains("MISSING_PW"));
    }

    @Test
    void fileReferenceResolvesWithoutTrailingNewline(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("orders");
        Files.writeString(secret, "filesecret\n");
        assertEquals("filesecret", credentials.resolve("file:" + secret));
        assertEquals(Optional.empty(), credentials.problem("file:" + secret));
    }

    @Test
    void missingFileOrDirectoryIsAProblemNamingThePath(@TempDir Path dir) {
        String missing = credentials.problem("file:" + dir.resolve("nope")).orElseThrow();
        assertTrue(missing.contains("does not exist") && missing.contains("nope"), missing);
        assertTrue(credentials.problem("file:" + dir).orElseThrow().contains("not a regular file"));
        assertTrue(credentials.problem("file:relative/path").orElseThrow().contains("absolute"));
    }

    @Test
    void emptyFileIsAProblem(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("empty"), "\n");
        assertTrue(credentials.problem("file:" + secret).orElseThrow().contains("empty"));
    }

    @Test
    void badSyntaxIsAProblemAndAnUnknownFormIsNotEchoed() {
        assertTrue(credentials.problem("env:1BAD").orElseThrow().contains("env:NAME"));
        assertTrue(credentials.problem("").orElseThrow().contains("empty"));
        String pasted = credentials.problem("hunter2-password").orElseThrow();
        assertFalse(pasted.contains("hunter2"), pasted);
        assertTrue(pasted.contains("env:NAME") && pasted.contains("file:"), pasted);
    }
}
