package io.dbautopilot.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code src/main/docker/Dockerfile.jvm} of each service (no Docker engine here, so checked against the build output):
 * every COPY source exists in the packaged fast-jar layout, the process runs as a non-root user, the HEALTHCHECK
 * calls the liveness probe on the service's port, and the automation image installs the PostgreSQL client tools
 * and pgBackRest.
 */
class DockerfilesTest {

    static final List<String> services = Repo.SERVICES;

    @ParameterizedTest
    @FieldSource("services")
    void copiesTheFastJarLayoutRunsAsNonRootAndChecksLiveness(String service) throws IOException {
        Path module = Repo.path(service);
        Path app = Repo.quarkusApp(service);
        List<String> lines = instructions(module.resolve("src/main/docker/Dockerfile.jvm"));

        List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ")).toList();
        assertEquals(4, copies.size(), "lib/, *.jar, app/, quarkus/ of target/quarkus-app: " + copies);
        for (String copy : copies) {
            String[] words = copy.split("\\s+");
            String source = words[words.length - 2];
            assertTrue(source.startsWith("target/quarkus-app/"), "copies from the fast-jar layout: " + copy);
            assertTrue(exists(module, source), source + " exists after ./mvnw package (" + copy + ")");
        }
        assertTrue(Files.isDirectory(app.resolve("lib/main")) && Files.isDirectory(app.resolve("quarkus")),
                "fast-jar layout (quarkus.package.jar.type=fast-jar) in " + app);

        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertFalse(user.matches("USER\\s+(root|0)(:.*)?"), "the last USER is not root: " + user);
        assertTrue(lines.stream().anyMatch(l -> l.contains("useradd") && l.contains(user.substring(5).trim())),
                "the user is created in the image: " + user);

        int port = httpPort(service);
        assertTrue(lines.contains("EXPOSE " + port), "EXPOSE " + port + " (quarkus.http.port)");
        String health = lines.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst()
                .orElseThrow(() -> new AssertionError("no HEALTHCHECK"));
        assertTrue(health.contains("http://localhost:${QUARKUS_HTTP_PORT:-" + port + "}/q/health/live"), health);
        String entry = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertTrue(entry.contains("-jar /deployments/quarkus-run.jar"), entry);
        assertTrue(lines.contains("WORKDIR /deployments"),
                "working directory /deployments: Quarkus reads /deployments/config/application.properties");
    }

    @org.junit.jupiter.api.Test
    void automationImageCarriesPostgresClientToolsAndPgBackRest() {
        List<String> lines = instructions(Repo.path("database-automation-service/src/main/docker/Dockerfile.jvm"));
        String install = lines.stream().filter(l -> l.startsWith("RUN ") && l.contains("apt-get install")
                && l.contains("pgbackrest")).findFirst().orElseThrow(() -> new AssertionError("pgbackrest is installed"));
        assertTrue(install.contains("\"postgresql-client-${PG_CLIENT_MAJOR}\""), install);
        assertTrue(install.contains("pg_dump --version && pgbackrest version"), "the build fails when a tool is missing");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV PATH=\"/usr/lib/postgresql/${PG_CLIENT_MAJOR}/bin:")),
                "pg_verifybackup and friends (not linked into /usr/bin by the Debian packages) are on the PATH");
    }

    /** Instructions with continuation lines joined and comments dropped. */
    static List<String> instructions(Path dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String raw : Files.readAllLines(dockerfile)) {
                String line = raw.strip();
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                if (line.endsWith("\\")) {
                    current.append(line, 0, line.length() - 1).append(' ');
                } else {
                    current.append(line);
                    out.add(current.toString().replaceAll("\\s+", " ").strip());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(dockerfile + " cannot be read: " + e.getMessage(), e);
        }
        return out;
    }

    static int httpPort(String service) {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Repo.path(service + "/src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return Integer.parseInt(p.getProperty("quarkus.http.port"));
    }

    private static boolean exists(Path module, String source) throws IOException {
        if (!source.contains("*")) {
            return Files.exists(module.resolve(source));
        }
        Path dir = module.resolve(source.substring(0, source.lastIndexOf('/')));
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, source.substring(source.lastIndexOf('/') + 1))) {
            return s.iterator().hasNext();
        }
    }
}
