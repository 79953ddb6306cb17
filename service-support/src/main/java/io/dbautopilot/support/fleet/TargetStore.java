package io.dbautopilot.support.fleet;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * This process's copy of the fleet registry: reads every partition of the compacted topic {@code autopilot.targets.v1}
 * from the beginning (no consumer group), keeps the latest definition per target id, creates the topic (compacted,
 * {@code autopilot.fleet.partitions}) when it is missing, and tells listeners about every change. A record that is not a
 * valid definition is logged with its offset and skipped; it never stops the reader.
 */
@ApplicationScoped
public class TargetStore {

    /** Every registered target, ordered by id. */
    public Collection<RegisteredTarget> all() {
        throw new UnsupportedOperationException("TargetStore: implemented on branch registry");
    }

    /** One registered target by id. */
    public Optional<RegisteredTarget> get(String id) {
        throw new UnsupportedOperationException("TargetStore: implemented on branch registry");
    }

    /** Adds a listener; it is first told about every target already known, then about every change. */
    public void addListener(TargetListener listener) {
        throw new UnsupportedOperationException("TargetStore: implemented on branch registry");
    }

    /** Waits until everything on the topic when this process started has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) {
        throw new UnsupportedOperationException("TargetStore: implemented on branch registry");
    }

    /** Number of partitions of the registry topic. */
    public int partitions() {
        throw new UnsupportedOperationException("TargetStore: implemented on branch registry");
    }
}
