package io.dbautopilot.performance.fleet;

import io.dbautopilot.performance.collect.TargetConnections;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * {@code ?check=true} of a registration: connects to the target once with the collector's own connect options and
 * asks its server version. Blocking (waits for the answer): call it on a worker thread.
 */
@ApplicationScoped
public class TargetCheck {

    /**
     * The outcome of a check.
     *
     * @param ok            whether the server answered
     * @param serverVersion its {@code server_version} when it did
     * @param error         the error message when it did not (no stack, no secret)
     * @param field         the definition field the error points at ({@code url} or {@code credentials_ref})
     */
    public record Result(boolean ok, String serverVersion, String error, String field) {
    }

    private final Vertx vertx;

    public TargetCheck(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Connects once with these settings; never throws. */
    public Result check(String id, io.dbautopilot.performance.collect.TargetsConfig.Target settings) {
        PgConnectOptions options;
        try {
            options = TargetConnections.connectOptions(id, settings);
        } catch (RuntimeException e) {
            return new Result(false, null, e.getMessage(), "url");
        }
        Duration timeout = settings.queryTimeout().plusSeconds(5);
        try {
            String version = PgConnection.connect(vertx, options)
                    .chain(c -> c.query("SHOW server_version").execute()
                            .map(rows -> rows.iterator().next().getString(0))
                            .eventually(c::close))
                    .await().atMost(timeout);
            return new Result(true, version, null, null);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null && !(e instanceof PgException) ? e.getCause() : e;
            if (cause instanceof PgException pg) {
                String state = pg.getSqlState();
                String field = state != null && state.startsWith("28") ? "credentials_ref" : "url";
                return new Result(false, null, pg.getErrorMessage() + " (SQLSTATE " + state + ")", field);
            }
            String message = e instanceof io.smallrye.mutiny.TimeoutException
                    ? "no answer within " + timeout.toSeconds() + "s"
                    : String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return new Result(false, null, message, "url");
        }
    }
}
