package io.dbautopilot.support.health;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.HealthSummary;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.annotation.security.PermitAll;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.lang.management.ManagementFactory;
import java.util.Map;

/** {@code GET /health}: one-glance summary of the service's liveness and readiness checks (503 when DOWN). */
@Path("/health")
@PermitAll
public class HealthSummaryResource {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final SmallRyeHealthReporter reporter;
    private final ObjectMapper mapper;
    private final String service;
    private final String version;

    public HealthSummaryResource(SmallRyeHealthReporter reporter, ObjectMapper mapper,
                                 @ConfigProperty(name = "quarkus.application.name") String service,
                                 @ConfigProperty(name = "quarkus.application.version") String version) {
        this.reporter = reporter;
        this.mapper = mapper;
        this.service = service;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Service health summary", description = "Status, version, uptime and every health check.")
    public Uni<Response> summary() {
        return reporter.getHealthAsync().map(health -> {
            try {
                Map<String, Object> payload = mapper.readValue(health.getPayload().toString(), MAP);
                long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
                HealthSummary summary = HealthSummary.fromHealthPayload(service, version, uptime, payload);
                return Response.status(health.isDown() ? 503 : 200).entity(summary).build();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("health payload is not JSON", e);
            }
        });
    }
}
