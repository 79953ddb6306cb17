package io.dbautopilot.automation.tune;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A named workload baseline of a tune: the rates of the window before its setting changed, or of the window after.
 *
 * @param target      target id
 * @param name        {@code tune-<setting>-<operation id>-<phase>}
 * @param operationId the tune operation
 * @param phase       {@code before} or {@code after}
 * @param capturedAt  when the window ended
 * @param figures     TPS, statement calls and mean time, temp bytes per second, window length
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TuneBaseline(String target, String name, UUID operationId, String phase, Instant capturedAt,
                           Map<String, Object> figures) {

    /** The name of a tune's baseline of one phase. */
    public static String name(String setting, UUID operationId, String phase) {
        return "tune-" + setting + "-" + operationId + "-" + phase;
    }
}
