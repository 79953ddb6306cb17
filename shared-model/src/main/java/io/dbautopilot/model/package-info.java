/**
 * Event contracts shared by the DB Autopilot services: Kafka topic names, CloudEvents types and
 * sources, the event records carried as CloudEvents data, their JSON Schemas and the helpers that
 * serialise and validate them.
 *
 * <p>Every record names its JSON properties in snake_case through {@code @JsonNaming}, so the wire
 * format does not depend on how a service configures its {@code ObjectMapper}. Enums travel as
 * lower-case strings. The contract evolves additively; a breaking change gets a new {@code .vN}
 * topic and type.
 */
package io.dbautopilot.model;
