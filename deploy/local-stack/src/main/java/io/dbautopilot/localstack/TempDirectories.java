package io.dbautopilot.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Removal of the temporary directories the embedded broker and throwaway clusters live in. */
public final class TempDirectories {

    private static final Logger LOG = Logger.getLogger(TempDirectories.class.getName());

    private TempDirectories() {
    }

    /** Deletes a directory tree; logs (does not throw) what could not be deleted. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warning("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
