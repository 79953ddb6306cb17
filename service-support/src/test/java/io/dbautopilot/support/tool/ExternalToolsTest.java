package io.dbautopilot.support.tool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one tool lookup over real directories and executable files. */
class ExternalToolsTest {

    @TempDir
    Path tmp;

    @Test
    void configuredDirectoryThenNewestPostgresThenPath() throws IOException {
        Path configured = Files.createDirectories(tmp.resolve("configured"));
        Path pgRoot = tmp.resolve("postgresql");
        Path pathDir = Files.createDirectories(tmp.resolve("path"));
        for (String v : List.of("9", "15", "16")) {
            program(pgRoot.resolve(v).resolve("bin"), "pg_dump");
        }
        program(pathDir, "pg_dump");
        program(pathDir, "redis-cli");
        program(configured, "pg_restore");
        ExternalTools tools = new ExternalTools(Optional.of(configured), pgRoot, List.of(pathDir));

        assertEquals(configured.resolve("pg_restore"), tools.require("pg_restore"));
        assertEquals(pgRoot.resolve("16/bin/pg_dump"), tools.require("pg_dump"), "newest version before the PATH");
        assertEquals(pathDir.resolve("redis-cli"), tools.require("redis-cli"));
        assertEquals(Optional.of(pgRoot.resolve("16/bin")), tools.newestPostgresBin());

        program(configured, "pg_dump");
        assertEquals(configured.resolve("pg_dump"), tools.require("pg_dump"), "the configured directory first");
    }

    @Test
    void aMissingToolIsReportedWithWhereAndHow() throws IOException {
        Path pathDir = Files.createDirectories(tmp.resolve("path"));
        Files.writeString(pathDir.resolve("pg_dump"), "not executable");
        ExternalTools tools = new ExternalTools(Optional.of(tmp.resolve("opt")), tmp.resolve("none"), List.of(pathDir));

        ToolStatus status = tools.status("pg_dump");
        assertFalse(status.available());
        assertEquals("pg_dump not found in " + tmp.resolve("opt") + " (autopilot.tools.directory), " + tmp.resolve("none")
                + "/<version>/bin or the PATH; install the postgresql-client package (Debian/Ubuntu: sudo apt-get install -y"
                + " postgresql-client) or set autopilot.tools.directory (env AUTOPILOT_TOOLS_DIRECTORY) to the directory"
                + " holding it", status.problem());
        ToolNotFoundException e = assertThrows(ToolNotFoundException.class, () -> tools.require("redis-cli"));
        assertTrue(e.getMessage().startsWith("redis-cli not found in " + tmp.resolve("opt")
                + " (autopilot.tools.directory) or the PATH; install the redis-tools package"), e.getMessage());
        assertTrue(tools.status("pgbackrest").problem().contains("install the pgbackrest package"));
        assertTrue(tools.status("pg_ctl").problem().contains("sudo apt-get install -y postgresql)"));
        assertTrue(tools.status("mariadb-dump").problem().contains("mariadb-client"));
    }

    @Test
    void serverProgramsOfOneMajorVersion() throws IOException {
        Path pgRoot = tmp.resolve("postgresql");
        program(pgRoot.resolve("15/bin"), "pg_ctl");
        program(pgRoot.resolve("16/bin"), "pg_ctl");
        ExternalTools tools = new ExternalTools(Optional.empty(), pgRoot, List.of());

        assertEquals(pgRoot.resolve("15/bin/pg_ctl"), tools.requirePostgres("pg_ctl", 15));
        assertEquals(pgRoot.resolve("16/bin/pg_ctl"), tools.requirePostgres("pg_ctl", 0));
        ToolNotFoundException e = assertThrows(ToolNotFoundException.class, () -> tools.requirePostgres("pg_ctl", 12));
        assertTrue(e.getMessage().contains("sudo apt-get install -y postgresql-12"), e.getMessage());

        Path configured = Files.createDirectories(tmp.resolve("configured"));
        program(configured, "pg_ctl");
        ExternalTools chosen = new ExternalTools(Optional.of(configured), pgRoot, List.of());
        assertEquals(configured.resolve("pg_ctl"), chosen.requirePostgres("pg_ctl", 15), "the operator's choice wins");
    }

    @Test
    void theRealMachineHasTheTestsTools() {
        ExternalTools tools = ExternalTools.fromEnvironment();
        assertTrue(tools.status("sh").available());
        assertTrue(Files.isExecutable(tools.require("pg_dump")));
        assertFalse(tools.status("no-such-program-" + System.nanoTime()).available());
    }

    private static void program(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
