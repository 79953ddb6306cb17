package io.dbautopilot.automation.health;

import io.dbautopilot.model.HealthSummary;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /health}: one-glance summary of the service's liveness and readiness checks (503 when DOWN). */
@Path("/health")
public class HealthSummaryResource {

    private final SmallRyeHealthReporter reporter;
    private final String service;
    private final String version;

    public HealthSummaryResource(SmallRyeHealthReporter reporter,
                                 @ConfigProperty(name = "quarkus.application.name") String service,
                                 @ConfigProperty(name = "quarkus.application.version") String version) {
        this.reporter = reporter;
        this.service = service;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Service health summary", description = "Status, version, uptime and every health check.")
    public Uni<Response> summary() {
        return reporter.getHealthAsync().map(health -> {
            JsonObject payload = health.getPayload();
            List<HealthSummary.Check> checks = new ArrayList<>();
            for (JsonValue value : payload.getJsonArray("checks")) {
                JsonObject check = value.asJsonObject();
                checks.add(new HealthSummary.Check(check.getString("name"), check.getString("status"), data(check)));
            }
            HealthSummary summary = new HealthSummary(payload.getString("status"), service, version,
                    ManagementFactory.getRuntimeMXBean().getUptime() / 1000, checks);
            return Response.status(health.isDown() ? 503 : 200).entity(summary).build();
        });
    }

    private static Map<String, Object> data(JsonObject check) {
        Map<String, Object> data = new LinkedHashMap<>();
        JsonObject raw = check.getJsonObject("data");
        if (raw != null) {
            raw.forEach((k, v) -> data.put(k, switch (v.getValueType()) {
                case STRING -> ((JsonString) v).getString();
                case NUMBER -> ((JsonNumber) v).numberValue();
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                default -> v.toString();
            }));
        }
        return data;
    }
}
