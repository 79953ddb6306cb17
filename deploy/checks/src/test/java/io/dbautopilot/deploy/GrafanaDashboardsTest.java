package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code deploy/grafana}: the three dashboards (fleet overview, one target, operations/backups) parse, use the
 * provisioned Prometheus data source and have a query in every panel; the provisioning points at the folder compose
 * mounts. That every query names an exported metric and evaluates is checked by {@link RunningStackTest}.
 */
class GrafanaDashboardsTest {

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");

    @Test
    void dashboardsParseAndEveryPanelQueriesTheProvisionedDataSource() {
        JsonNode datasources = Repo.yamlDocuments(Repo.path("deploy/grafana/provisioning/datasources/prometheus.yml")).get(0);
        String uid = datasources.at("/datasources/0/uid").asText();
        assertEquals("http://prometheus:9090", datasources.at("/datasources/0/url").asText(), "the compose service");
        JsonNode provider = Repo.yamlDocuments(Repo.path("deploy/grafana/provisioning/dashboards/db-autopilot.yml")).get(0);
        assertEquals("/var/lib/grafana/dashboards", provider.at("/providers/0/options/path").asText());

        Map<String, List<String>> queries = queries();
        assertEquals(Set.of("db-autopilot-fleet", "db-autopilot-target", "db-autopilot-operations"), queries.keySet());
        Set<String> uids = new HashSet<>();
        for (Path f : Repo.files("deploy/grafana/dashboards", ".json")) {
            JsonNode d = Repo.json(f);
            assertTrue(uids.add(d.get("uid").asText()), "unique uid " + d.get("uid"));
            for (JsonNode panel : d.get("panels")) {
                assertEquals(uid, panel.at("/datasource/uid").asText(), f + ": " + panel.get("title"));
                assertFalse(panel.get("targets").isEmpty(), f + ": " + panel.get("title") + " has a query");
                assertTrue(panel.has("gridPos"), f + ": " + panel.get("title"));
            }
        }
        assertTrue(queries.get("db-autopilot-target").stream().allMatch(q -> q.startsWith("label_values(")
                || q.contains("target=\"$target\"")), "every panel of the target dashboard follows $target");
    }

    /** Every PromQL query of every dashboard (panel targets and template variables), by dashboard uid. */
    static Map<String, List<String>> queries() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Path f : Repo.files("deploy/grafana/dashboards", ".json")) {
            JsonNode d = Repo.json(f);
            List<String> exprs = new ArrayList<>();
            for (JsonNode panel : d.get("panels")) {
                panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
            }
            for (JsonNode variable : d.path("templating").path("list")) {
                exprs.add(variable.path("definition").asText());
            }
            all.put(d.get("uid").asText(), exprs);
        }
        return all;
    }

    /** Metric names a dashboard query reads ({@code label_values(metric, label)} reads the metric). */
    static Set<String> metrics(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (m.find()) {
            return Set.of(m.group(1));
        }
        return PromQl.metrics(query);
    }
}
