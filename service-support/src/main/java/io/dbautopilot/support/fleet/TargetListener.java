package io.dbautopilot.support.fleet;

import java.util.Optional;

/** Told by the {@link TargetStore} about every change of the registry, on the store's reader thread (do not block). */
@FunctionalInterface
public interface TargetListener {

    /**
     * A target was registered, changed or removed.
     *
     * @param id     the target id
     * @param target the target now, or empty when it was removed
     */
    void changed(String id, Optional<RegisteredTarget> target);
}
