package io.dbautopilot.localstack.postgres;

import io.dbautopilot.localstack.MissingPrerequisiteException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresBinariesTest {

    @Test
    void findsInstalledBinaries() {
        PostgresBinaries binaries = PostgresBinaries.locate();
        assertTrue(Files.isExecutable(binaries.tool("initdb")));
        assertTrue(Files.isExecutable(binaries.tool("pg_ctl")));
    }

    @Test
    void aDirectoryWithoutBinariesSaysHowToInstallThem() throws Exception {
        Path empty = Files.createTempDirectory("no-pg");
        try {
            MissingPrerequisiteException e = assertThrows(MissingPrerequisiteException.class, () -> new PostgresBinaries(empty));
            assertTrue(e.getMessage().contains("apt-get install -y postgresql"), e.getMessage());
            assertTrue(e.getMessage().contains("AUTOPILOT_TOOLS_DIRECTORY"), e.getMessage());
        } finally {
            Files.delete(empty);
        }
    }
}
