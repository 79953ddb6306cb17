package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/prometheus} checked with the real tools: {@code promtool check rules}, the rules' unit tests
 * ({@code promtool test rules}), {@code promtool check config} of both scrape configurations and
 * {@code amtool check-config} of the Alertmanager configuration (Debian packages prometheus and
 * prometheus-alertmanager).
 */
class PrometheusConfigTest {

    private static final Path DIR = Repo.path("deploy/prometheus");

    @Test
    void alertRulesAreValidAndCoverTheServicesOwnFailures() {
        String promtool = Tools.require("promtool", "prometheus");
        List<String> cmd = new ArrayList<>(List.of(promtool, "check", "rules"));
        Repo.files("deploy/prometheus/rules", ".rules.yml").forEach(p -> cmd.add(p.toString()));
        assertTrue(cmd.size() > 3, "rule files under deploy/prometheus/rules");
        String out = Tools.ok(DIR, cmd.toArray(String[]::new));
        assertTrue(out.contains("SUCCESS"), out);
        List<String> alerts = new ArrayList<>();
        for (Path f : Repo.files("deploy/prometheus/rules", ".rules.yml")) {
            for (JsonNode group : Repo.yamlDocuments(f).get(0).get("groups")) {
                group.get("rules").forEach(r -> alerts.add(r.path("alert").asText()));
            }
        }
        assertTrue(alerts.containsAll(List.of("AutopilotServiceDown", "AutopilotConsumerLagHigh", "AutopilotDeadLetters",
                "AutopilotBackupsFailing")), "down, consumer lag, DLQ growth, backups failing: " + alerts);
    }

    @Test
    void alertRulesPassTheirUnitTests() {
        String promtool = Tools.require("promtool", "prometheus");
        List<String> cmd = new ArrayList<>(List.of(promtool, "test", "rules"));
        Repo.files("deploy/prometheus/tests", ".test.yml").forEach(p -> cmd.add(p.toString()));
        String out = Tools.ok(DIR, cmd.toArray(String[]::new));
        assertTrue(out.contains("SUCCESS") && !out.contains("FAILED"), out);
    }

    @Test
    void scrapeConfigurationsAreValidAndScrapeBothServicesOnQMetrics() {
        String promtool = Tools.require("promtool", "prometheus");
        for (String file : List.of("prometheus.yml", "prometheus-kubernetes.yml")) {
            String out = Tools.ok(DIR, promtool, "check", "config", file);
            assertTrue(out.contains("is valid prometheus config file"), out);
            List<String> jobs = new ArrayList<>();
            for (JsonNode job : Repo.yamlDocuments(DIR.resolve(file)).get(0).get("scrape_configs")) {
                jobs.add(job.get("job_name").asText());
                assertEquals("/q/metrics", job.path("metrics_path").asText(), file + " " + job.get("job_name"));
            }
            assertEquals(Repo.SERVICES, jobs, file + ": one job per service, named like it (the alert rules use the names)");
        }
        // the Kubernetes configuration resolves the headless Services the manifests define
        String k8s = Repo.yamlDocuments(DIR.resolve("prometheus-kubernetes.yml")).get(0).toString();
        for (String service : Repo.SERVICES) {
            assertTrue(KubernetesManifestsTest.objects(service).containsKey("Service/" + service + "-pods"));
            assertTrue(k8s.contains(service + "-pods.db-autopilot.svc.cluster.local"), service);
        }
    }

    @Test
    void alertmanagerConfigurationIsValid() {
        String amtool = Tools.require("amtool", "prometheus-alertmanager");
        String out = Tools.ok(DIR, amtool, "check-config", "alertmanager.yml");
        assertTrue(out.contains("SUCCESS"), out);
    }
}
