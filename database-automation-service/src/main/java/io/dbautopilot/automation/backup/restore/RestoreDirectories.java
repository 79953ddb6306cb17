package io.dbautopilot.automation.backup.restore;

import io.dbautopilot.automation.backup.BackupConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Checks a requested restore data directory: plain characters, inside the restore root, empty or a restore of ours. */
@ApplicationScoped
public class RestoreDirectories {

    /** The file a restore of the service leaves in its data directory (what {@code force} may replace). */
    public static final String MARKER = ".db-autopilot-restore";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/-]+");

    private final BackupConfig config;

    public RestoreDirectories(BackupConfig config) {
        this.config = config;
    }

    /** The configured root every requested data directory must lie under (symlinks resolved). */
    public Path root() throws IOException {
        return real(Path.of(config.restoreRoot().filter(s -> !s.isBlank())
                .orElse(Path.of(config.directory()).resolve("restores").toString())).toAbsolutePath().normalize());
    }

    /**
     * The resolved directory to restore into; throws {@link Refused} when it has characters outside
     * {@code [A-Za-z0-9._/-]}, {@code .} or {@code ..} segments, lies outside the root after resolving symlinks, is
     * not a directory, or holds anything but a previous restore of ours (a non-empty one needs {@code force}).
     */
    public Path check(String requested, boolean force) throws Refused, IOException {
        if (requested == null || requested.isEmpty() || !PLAIN.matcher(requested).matches()) {
            throw new Refused(400, "only the characters A-Z a-z 0-9 . _ / - are allowed");
        }
        Path p = Path.of(requested);
        if (!p.isAbsolute()) {
            throw new Refused(400, "must be an absolute path");
        }
        for (Path part : p) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new Refused(400, "must not contain '.' or '..' segments");
            }
        }
        Path root = root();
        Path dir = real(p);
        if (!dir.startsWith(root) || dir.equals(root)) {
            throw new Refused(400, "must lie inside the restore root " + root
                    + " (autopilot.backup.restore-root) after resolving symbolic links");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(400, "exists and is not a directory");
            }
            if (Files.exists(dir.resolve("postmaster.pid"), LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused(409, "holds a running server (postmaster.pid); stop it first");
            }
            if (!empty(dir)) {
                if (!ours(dir)) {
                    throw new Refused(400, "is not empty and is not an earlier restore of this service (no "
                            + MARKER + "): it is never written over, even with force");
                }
                if (!force) {
                    throw new Refused(409, "holds an earlier restore; choose a new directory or set \"force\": true");
                }
            }
        }
        return dir;
    }

    /** Whether a directory holds a restore written by the service (its marker file, a regular file). */
    public static boolean ours(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    static boolean empty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** The path with its nearest existing ancestor's symlinks resolved and the missing rest appended. */
    static Path real(Path p) throws IOException {
        Path existing = p;
        Path rest = p.getFileSystem().getPath("");
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        return existing.toRealPath().resolve(rest).normalize();
    }

    /** A requested directory that is refused, with the HTTP status that says why. */
    public static final class Refused extends Exception {

        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** 400 (never allowed) or 409 (allowed once the directory changes). */
        public int status() {
            return status;
        }
    }
}
