package io.dbautopilot.support.outbox;

import java.time.Instant;

/** One unsent row of an outbox table: an already validated event payload and its CloudEvent attributes. */
public record OutboxRow(long id, String eventId, String targetId, String type, Instant occurredAt, String payload) {
}
