package io.dbautopilot.support.tool;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether one external program is installed: its path, or the problem (where it was looked for, how to install it)
 * for availability reports; a missing program makes its capability unavailable, it is not an error.
 *
 * @param name    the program, e.g. {@code pg_dump}
 * @param path    where it is, when found
 * @param problem why it is unavailable, when not found
 */
public record ToolStatus(String name, Optional<Path> path, String problem) {

    /** Whether the program was found. */
    public boolean available() {
        return path.isPresent();
    }
}
