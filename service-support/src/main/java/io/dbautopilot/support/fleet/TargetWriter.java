package io.dbautopilot.support.fleet;

import io.dbautopilot.model.TargetDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the fleet registry: a definition (key = target id) or a tombstone, acknowledged by all in-sync replicas, and
 * returns once this process's {@link TargetStore} has read it back (so a read after a write sees it).
 */
@ApplicationScoped
public class TargetWriter {

    /** Registers or replaces a target (the caller has validated it) and returns it as the store now holds it. */
    public RegisteredTarget put(TargetDefinition definition) {
        throw new UnsupportedOperationException("TargetWriter: implemented on branch registry");
    }

    /** Removes a target (tombstone); true if it was registered. */
    public boolean remove(String id) {
        throw new UnsupportedOperationException("TargetWriter: implemented on branch registry");
    }
}
