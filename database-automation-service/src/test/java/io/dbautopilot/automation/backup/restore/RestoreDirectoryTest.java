package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupCatalog;
import io.dbautopilot.automation.backup.BackupEnginesTest;
import io.dbautopilot.automation.backup.BackupTestResource;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import io.dbautopilot.automation.backup.engine.BackupEngine;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Hostile {@code data_directory} values of {@code POST /api/restores} (shell syntax, {@code ..}, a symlink out of the
 * restore root, foreign directories with {@code force}) are refused with 400 naming the field, and nothing is created
 * or changed.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(BackupTestResource.class)
class RestoreDirectoryTest {

    @Inject
    BackupCatalog catalog;

    @Test
    void hostileDataDirectoriesAreRefusedAndNothingIsTouched() throws Exception {
        Backup b = catalog.start("demo", "demo", BackupType.FULL, EngineKind.PG_BASEBACKUP, null, "test");
        catalog.finished(b.backupId(), new BackupEngine.EngineResult(BackupType.FULL, "l1", null, "/nonexistent/backup",
                1L, 1L, null, null, null, null, "sha256:00"), null, 1);
        catalog.verified(b.backupId(), new BackupEngine.Verification(true, "ok"), true, 1);

        Path root = Files.createDirectories(BackupTestResource.directory.resolve("restores"));
        Path outside = Files.createTempDirectory("restore-outside-");
        Path pwned = Path.of("/tmp/pwned-" + UUID.randomUUID());
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Path foreign = Files.createDirectories(root.resolve("foreign"));
        Path precious = Files.writeString(foreign.resolve("precious.txt"), "keep me");
        Files.setPosixFilePermissions(foreign, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(precious, FileTime.fromMillis(1_000_000_000_000L));
        Files.writeString(outside.resolve("other.txt"), "keep me too");
        List<Path> rootBefore = list(root);

        for (String hostile : List.of(
                root + "/x$(touch " + pwned + ")",
                "/tmp/x$(touch " + pwned + ")",
                root + "/x'; touch " + pwned + "; '",
                root + "/../escaped-" + UUID.randomUUID(),
                root + "/escape",
                root + "/escape/data",
                outside.toString())) {
            post(hostile, false, 400);
            post(hostile, true, 400);
        }
        post(foreign.toString(), true, 400);
        post(foreign.toString(), false, 400);

        assertFalse(Files.exists(pwned), "no shell ran");
        assertEquals(rootBefore, list(root), "nothing created in the restore root");
        assertEquals(List.of(outside.resolve("other.txt")), list(outside), "nothing created through the symlink");
        assertEquals(List.of(precious), list(foreign));
        assertEquals("keep me", Files.readString(precious));
        assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(precious).toMillis());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign)));

        // an earlier restore of ours needs force
        Path earlier = Files.createDirectories(root.resolve("earlier"));
        Files.writeString(earlier.resolve(RestoreDirectories.MARKER), "x");
        post(earlier.toString(), false, 409);
    }

    private void post(String dir, boolean force, int status) {
        String body = "{\"database\":\"demo\",\"data_directory\":\"" + dir.replace("\"", "\\\"") + "\",\"force\":" + force + "}";
        given().header("X-API-Key", BackupEnginesTest.OPERATOR).contentType(ContentType.JSON).body(body).when()
                .post("/api/restores").then().statusCode(status).contentType("application/problem+json")
                .body("detail", containsString("data_directory"));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
