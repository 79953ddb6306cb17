package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/kubernetes}: every manifest parses, each service has its Deployment, Service, ConfigMap, Secret and
 * PodDisruptionBudget, probes name the service's real health endpoints on its port (that they answer is checked by
 * {@link RunningStackTest}), and every environment variable and mounted setting is a real setting.
 */
class KubernetesManifestsTest {

    static final List<String> services = Repo.SERVICES;

    @Test
    void everyManifestParsesAndNamesItsKind() {
        List<Path> files = Repo.files("deploy/kubernetes", ".yaml", ".yml");
        assertTrue(files.size() >= 4, "manifests: " + files);
        for (Path f : files) {
            List<JsonNode> docs = Repo.yamlDocuments(f);
            assertFalse(docs.isEmpty(), f + " has documents");
            for (JsonNode d : docs) {
                assertTrue(d.hasNonNull("apiVersion") && d.hasNonNull("kind"), f + ": apiVersion and kind in " + d);
                if (!"Kustomization".equals(d.get("kind").asText())) {
                    assertTrue(d.path("metadata").hasNonNull("name"), f + ": metadata.name in " + d.get("kind"));
                }
            }
        }
        JsonNode kustomization = Repo.yamlDocuments(Repo.path("deploy/kubernetes/kustomization.yaml")).get(0);
        List<String> listed = new ArrayList<>();
        kustomization.get("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(List.of("namespace.yaml", "performance-service.yaml", "database-automation-service.yaml"), listed);
    }

    @ParameterizedTest
    @FieldSource("services")
    void eachServiceHasItsObjectsProbesResourcesAndBudget(String service) {
        Map<String, JsonNode> objects = objects(service);
        for (String kind : List.of("ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget")) {
            assertTrue(objects.containsKey(kind + "/" + service), service + ": " + kind + " named " + service);
        }
        JsonNode deployment = objects.get("Deployment/" + service);
        JsonNode pod = deployment.at("/spec/template");
        JsonNode container = pod.at("/spec/containers/0");
        int port = DockerfilesTest.httpPort(service);
        assertEquals(port, container.at("/ports/0/containerPort").asInt(), "containerPort = quarkus.http.port");
        String portName = container.at("/ports/0/name").asText();
        for (String[] probe : new String[][]{{"startupProbe", "/q/health/started"}, {"livenessProbe", "/q/health/live"},
                {"readinessProbe", "/q/health/ready"}}) {
            JsonNode get = container.path(probe[0]).path("httpGet");
            assertEquals(probe[1], get.path("path").asText(), service + " " + probe[0]);
            assertTrue(get.path("port").asText().equals(portName) || get.path("port").asInt() == port,
                    service + " " + probe[0] + " port");
        }
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertTrue(container.path("resources").path(kind).hasNonNull(resource), service + " " + kind + "." + resource);
            }
        }
        assertTrue(pod.at("/spec/securityContext/runAsNonRoot").asBoolean(), service + " runs as non-root");
        assertEquals(String.valueOf(port), pod.at("/metadata/annotations").path("prometheus.io/port").asText());
        assertEquals("/q/metrics", pod.at("/metadata/annotations").path("prometheus.io/path").asText());

        JsonNode labels = pod.at("/metadata/labels");
        for (String selecting : List.of("PodDisruptionBudget/" + service, "Service/" + service, "Service/" + service + "-pods")) {
            JsonNode selector = objects.get(selecting).at("/spec/selector");
            JsonNode match = selector.has("matchLabels") ? selector.get("matchLabels") : selector;
            match.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(), labels.path(e.getKey()).asText(),
                    selecting + " selects the pods by " + e.getKey()));
        }
        assertEquals("None", objects.get("Service/" + service + "-pods").at("/spec/clusterIP").asText(),
                "headless Service for Prometheus' DNS discovery");
    }

    @Test
    void bothServicesRunMoreThanOneReplicaAndAutomationsBudgetKeepsOne() {
        Map<String, JsonNode> automation = objects("database-automation-service");
        assertTrue(automation.get("Deployment/database-automation-service").at("/spec/replicas").asInt() > 1);
        assertEquals(1, automation.get("PodDisruptionBudget/database-automation-service").at("/spec/minAvailable").asInt());
        Map<String, JsonNode> performance = objects("performance-service");
        assertTrue(performance.get("Deployment/performance-service").at("/spec/replicas").asInt() > 1,
                "collectors split the targets through the fleet registry's consumer group (FleetFailoverTest)");
    }

    @ParameterizedTest
    @FieldSource("services")
    void everyEnvironmentVariableAndMountedSettingIsARealSetting(String service) {
        Map<String, JsonNode> objects = objects(service);
        JsonNode container = objects.get("Deployment/" + service).at("/spec/template/spec/containers/0");
        JsonNode configMap = objects.get("ConfigMap/" + service);
        JsonNode secret = objects.get("Secret/" + service);
        List<String> env = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode e : container.path("env")) {
            env.add(e.get("name").asText());
            JsonNode ref = e.path("valueFrom");
            if (ref.has("configMapKeyRef")) {
                String key = ref.at("/configMapKeyRef/key").asText();
                if (!configMap.path("data").has(key)) {
                    problems.add(e.get("name").asText() + " refers to missing ConfigMap key " + key);
                }
            } else if (ref.has("secretKeyRef")) {
                String key = ref.at("/secretKeyRef/key").asText();
                if (!secret.path("stringData").has(key) && !secret.path("data").has(key)) {
                    problems.add(e.get("name").asText() + " refers to missing Secret key " + key);
                }
            }
        }
        assertTrue(container.path("envFrom").isMissingNode(), "explicit env entries only (checked one by one)");
        JsonNode mount = find(container.path("volumeMounts"), "mountPath", "/deployments/config")
                .orElseThrow(() -> new AssertionError(service + " mounts /deployments/config"));
        JsonNode volume = find(objects.get("Deployment/" + service).at("/spec/template/spec/volumes"), "name",
                mount.get("name").asText()).orElseThrow();
        assertEquals(service, volume.at("/configMap/name").asText());
        String properties = configMap.path("data").path("application.properties").asText();
        assertFalse(properties.isBlank(), "the ConfigMap carries application.properties");
        ServiceSettings settings = ServiceSettings.of(service);
        problems.addAll(ConfigWiring.problems(settings, env, properties));
        assertEquals(List.of(), problems, service);
    }

    private static Optional<JsonNode> find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.path(field).asText())) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    static Map<String, JsonNode> objects(String service) {
        Map<String, JsonNode> byKindAndName = new java.util.LinkedHashMap<>();
        for (JsonNode d : Repo.yamlDocuments(Repo.path("deploy/kubernetes/" + service + ".yaml"))) {
            byKindAndName.put(d.get("kind").asText() + "/" + d.at("/metadata/name").asText(), d);
        }
        return byKindAndName;
    }

    /** The API keys the Secrets ship are ones the services accept at start, the same in both services. */
    @Test
    void theShippedApiKeysAreAcceptedAndShared() {
        List<String> keys = new ArrayList<>();
        for (String service : services) {
            JsonNode data = objects(service).get("Secret/" + service).path("stringData");
            String viewers = data.path("AUTOPILOT_API_VIEWER_KEYS").asText();
            String operators = data.path("AUTOPILOT_API_OPERATOR_KEYS").asText();
            assertFalse(viewers.isEmpty() || operators.isEmpty(), service + ": viewer and operator keys in its Secret");
            io.dbautopilot.support.access.ApiKeys apiKeys = new io.dbautopilot.support.access.ApiKeys(
                    new io.dbautopilot.support.access.ApiAccessConfig() {
                        @Override
                        public Optional<List<String>> viewerKeys() {
                            return Optional.of(List.of(viewers.split(",")));
                        }

                        @Override
                        public Optional<List<String>> operatorKeys() {
                            return Optional.of(List.of(operators.split(",")));
                        }

                        @Override
                        public boolean open() {
                            return false;
                        }
                    });
            apiKeys.validate(); // throws naming the setting when the service would refuse to start
            keys.add(viewers + " / " + operators);
        }
        assertEquals(1, keys.stream().distinct().count(), "both services share the keys: " + keys);
    }
}
