package io.dbautopilot.support.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The CloudEvents attributes of a binary-mode Kafka record ({@code ce_*} headers).
 *
 * <p>Read by hand rather than by the connector's CloudEvents support: the connector builds its metadata while
 * polling and a record with a partial set of {@code ce_*} headers would fail the whole channel there, whereas
 * here it becomes a dead-lettered record with a reason and the consumer carries on.
 */
public record CloudEventHeaders(String specVersion, String id, String type, String source, String subject) {

    /** Reads the headers; throws {@link MalformedEventException} naming what is missing. */
    public static CloudEventHeaders from(Headers headers) {
        CloudEventHeaders ce = new CloudEventHeaders(get(headers, "ce_specversion"), get(headers, "ce_id"),
                get(headers, "ce_type"), get(headers, "ce_source"), get(headers, "ce_subject"));
        StringBuilder missing = new StringBuilder();
        if (ce.specVersion() == null) {
            missing.append(" ce_specversion");
        }
        if (ce.id() == null) {
            missing.append(" ce_id");
        }
        if (ce.type() == null) {
            missing.append(" ce_type");
        }
        if (ce.source() == null) {
            missing.append(" ce_source");
        }
        if (!missing.isEmpty()) {
            throw new MalformedEventException("not a binary-mode CloudEvent: missing header(s)" + missing);
        }
        if (!"1.0".equals(ce.specVersion())) {
            throw new MalformedEventException("unsupported CloudEvents specversion " + ce.specVersion());
        }
        return ce;
    }

    private static String get(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String value = new String(h.value(), StandardCharsets.UTF_8).trim();
        return value.isEmpty() ? null : value;
    }
}
