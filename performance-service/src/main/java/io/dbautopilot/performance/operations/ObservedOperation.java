package io.dbautopilot.performance.operations;

import io.dbautopilot.model.OperationEvent;

/**
 * CDI event fired (synchronously, on a worker thread) once for every new operation event read from
 * {@code autopilot.operations.v1}, after the {@link OperationTimeline} took it in; observe it with
 * {@code @Observes ObservedOperation}.
 *
 * @param eventId  CloudEvents id of the record (duplicates are not fired twice)
 * @param event    the operation event
 * @param running  whether the operation counts as running after this event (started or progress)
 */
public record ObservedOperation(String eventId, OperationEvent event, boolean running) {

    /** Whether the operation is a backup (any type starting with {@code backup}). */
    public boolean backup() {
        return OperationEntry.isBackup(event.type());
    }
}
