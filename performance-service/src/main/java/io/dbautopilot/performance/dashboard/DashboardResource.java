package io.dbautopilot.performance.dashboard;

import io.dbautopilot.performance.benchmark.BenchmarkFeed;
import io.dbautopilot.performance.benchmark.BenchmarkMessage;
import io.dbautopilot.support.access.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;
import java.util.Map;

/**
 * {@code /api/live}: the numbers behind the dashboard's live charts, as a history and as a server-sent event stream
 * (samples as unnamed events, benchmark progress as {@code performance_benchmark} events).
 */
@Path("/api/live")
@RolesAllowed(Roles.VIEWER)
public class DashboardResource {

    private final LiveFeed feed;
    private final BenchmarkFeed benchmarks;

    public DashboardResource(LiveFeed feed, BenchmarkFeed benchmarks) {
        this.feed = feed;
        this.benchmarks = benchmarks;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recent live samples", description = "Per target, the samples of the last cycles, oldest first; "
            + "with target=<id> (repeatable) only those targets' (what the fleet view's detail needs).")
    public Map<String, List<LiveSample>> history(@QueryParam("target") List<String> targets) {
        return targets == null || targets.isEmpty() ? feed.history() : feed.history(targets);
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live samples as server-sent events", description = "One unnamed event (a live sample) per "
            + "target and collection cycle, and performance_benchmark events (kind progress or completed) while "
            + "benchmarks run.")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        Multi<OutboundSseEvent> samples = feed.stream().map(s -> sse.newEventBuilder()
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(LiveSample.class, s).build());
        Multi<OutboundSseEvent> runs = benchmarks.stream().map(m -> sse.newEventBuilder().name(BenchmarkMessage.EVENT)
                .mediaType(MediaType.APPLICATION_JSON_TYPE).data(BenchmarkMessage.class, m).build());
        return Multi.createBy().merging().streams(samples, runs);
    }
}
