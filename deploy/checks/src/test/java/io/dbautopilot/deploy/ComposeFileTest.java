package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/compose/docker-compose.yml}, as resolved by the real {@code docker-compose config} (Debian package
 * {@code docker-compose}; there is no Docker engine to run it): every part of the stack with a health check, both
 * services built from their Dockerfiles and configured only with settings they really have.
 */
class ComposeFileTest {

    static JsonNode compose;

    @BeforeAll
    static void resolve() {
        String tool = Tools.require("docker-compose", "docker-compose");
        String resolved = Tools.ok(Repo.root(), tool, "-f", "deploy/compose/docker-compose.yml", "config");
        try {
            compose = Repo.YAML.readTree(resolved);
        } catch (Exception e) {
            throw new AssertionError("docker-compose config printed no YAML: " + resolved, e);
        }
    }

    @Test
    void theWholeStackIsThereAndEveryLongRunningPartHasAHealthCheck() {
        JsonNode services = compose.get("services");
        for (String name : List.of("kafka", "postgres", "performance-service", "database-automation-service",
                "prometheus", "alertmanager", "grafana")) {
            assertTrue(services.has(name), "service " + name);
            assertTrue(services.get(name).has("healthcheck"), name + " has a health check");
        }
        assertTrue(services.get("kafka").path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"),
                "Kafka runs in KRaft mode");
        for (String svc : Repo.SERVICES) {
            JsonNode depends = services.get(svc).get("depends_on");
            assertEquals("service_healthy", depends.path("postgres").path("condition").asText(), svc);
            assertEquals("service_completed_successfully", depends.path("kafka-topics").path("condition").asText(), svc);
        }
    }

    @Test
    void servicesAreBuiltFromTheirDockerfilesAndProbeReadiness() {
        for (String svc : Repo.SERVICES) {
            JsonNode service = compose.get("services").get(svc);
            Path context = Path.of(service.path("build").path("context").asText());
            assertEquals(Repo.path(svc), context.toAbsolutePath().normalize(), svc + " build context");
            assertTrue(Files.isRegularFile(context.resolve(service.path("build").path("dockerfile").asText())), svc);
            String check = service.path("healthcheck").path("test").toString();
            int port = DockerfilesTest.httpPort(svc);
            assertTrue(check.contains("http://localhost:" + port + "/q/health/ready"), svc + ": " + check);
            assertTrue(service.path("ports").toString().contains(String.valueOf(port)), svc + " publishes " + port);
        }
    }

    @Test
    void everyEnvironmentVariableAndMountedSettingIsARealSetting() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String svc : Repo.SERVICES) {
            JsonNode service = compose.get("services").get(svc);
            List<String> env = new ArrayList<>();
            service.path("environment").fieldNames().forEachRemaining(env::add);
            String properties = "";
            for (JsonNode volume : service.path("volumes")) {
                Mount m = Mount.of(volume);
                if ("/deployments/config/application.properties".equals(m.target())) {
                    properties = Files.readString(Path.of(m.source()));
                }
            }
            assertTrue(!properties.isEmpty(), svc + " mounts its config/application.properties");
            ServiceSettings settings = ServiceSettings.of(svc);
            ConfigWiring.problems(settings, env, properties).forEach(p -> problems.add(svc + ": " + p));
        }
        assertEquals(List.of(), problems);
    }

    /** A volume entry: docker-compose 1.x prints the short syntax (source:target[:mode]), 2.x the long one. */
    record Mount(String source, String target) {
        static Mount of(JsonNode volume) {
            if (volume.isTextual()) {
                String[] parts = volume.asText().split(":");
                return parts.length == 1 ? new Mount("", parts[0]) : new Mount(parts[0], parts[1]);
            }
            return new Mount("bind".equals(volume.path("type").asText()) ? volume.path("source").asText() : "",
                    volume.path("target").asText());
        }
    }

    @Test
    void everyBindMountedFileExists() {
        List<String> missing = new ArrayList<>();
        compose.get("services").fields().forEachRemaining(e -> {
            for (JsonNode volume : e.getValue().path("volumes")) {
                Mount m = Mount.of(volume);
                if (m.source().startsWith("/") && !Files.exists(Path.of(m.source()))) {
                    missing.add(e.getKey() + ": " + m.source());
                }
            }
        });
        assertEquals(List.of(), missing);
    }
}
