package io.dbautopilot.support.peer;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one place the blocking MicroProfile REST clients of the other service are built (base URL, connect and read
 * timeout, no default exception mapper) and called; blocking, so used from worker threads only.
 */
@ApplicationScoped
public class PeerClients {

    private static final Logger LOG = Logger.getLogger(PeerClients.class);

    /**
     * One answer of the other service.
     *
     * @param status its HTTP status; 0 when it did not answer
     * @param body   its body; null when it did not answer
     * @param error  why it did not answer ({@code could not be read (ConnectException)}); null when it answered
     */
    public record Answer(int status, String body, String error) {
    }

    private record Key(Class<?> type, URI base, Duration timeout) {
    }

    private final Map<Key, Object> clients = new ConcurrentHashMap<>();

    /** The client of interface {@code type} for the service at {@code base}, built once per base and timeout. */
    public <T> T client(Class<T> type, URI base, Duration timeout) {
        return type.cast(clients.computeIfAbsent(new Key(type, base, timeout), k -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // every status is an answer to read, not an exception
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(type)));
    }

    /**
     * Sends one request and reads its answer whatever its status; a refused connection or a timeout is an
     * {@link Answer} with an error, never an exception. {@code what} names the request in the debug log.
     */
    public Answer call(String what, Supplier<Response> request) {
        try (Response r = request.get()) {
            return new Answer(r.getStatus(), r.hasEntity() ? r.readEntity(String.class) : "", null);
        } catch (RuntimeException e) {
            LOG.debugf("%s not readable: %s", what, e.getMessage());
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Answer(0, null, "could not be read (" + cause.getClass().getSimpleName() + ")");
        }
    }
}
