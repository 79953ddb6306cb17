package io.dbautopilot.automation.backup.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * File helpers of the engines: SHA-256 over stored backup files, sizes, private directories (0700) and files (0600)
 * whatever the process umask, owned by the cluster's OS user.
 */
public final class StoredFiles {

    /** rwx------: every directory the service creates for backups, restores and dumps. */
    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** rw-------: every backup file once its tool finished. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private StoredFiles() {
    }

    /** SHA-256 over the regular files under {@code root} (relative names and contents, in name order). */
    public static String sha256(Path root) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> root.relativize(p).toString())).toList();
        }
        byte[] buf = new byte[1 << 16];
        for (Path f : files) {
            md.update(root.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(f)) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** Total bytes of the regular files under {@code root}. */
    public static long size(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** Deletes a directory tree (or file); missing is fine. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes a directory tree (or file), logging what could not be removed instead of failing. */
    public static void deleteQuietly(Path root) {
        try {
            delete(root);
        } catch (IOException e) {
            org.jboss.logging.Logger.getLogger(StoredFiles.class).warnf("could not remove %s: %s", root, e.getMessage());
        }
    }

    /**
     * Creates a directory (and missing parents, all 0700 whatever the umask), makes it 0700 if it existed, and gives
     * it to {@code owner} when given and this JVM is root.
     */
    public static Path directory(Path dir, Optional<String> owner) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
        Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY);
        own(dir, owner);
        return dir;
    }

    /** Makes a finished backup private: directories under {@code root} (and it) 0700, regular files 0600. */
    public static void restrict(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PRIVATE_DIRECTORY);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PRIVATE_FILE);
                }
            }
        }
    }

    /** Gives a path (not recursive) to {@code owner} when given and this JVM is root. */
    public static void own(Path path, Optional<String> owner) throws IOException {
        if (owner.isPresent() && !owner.get().isBlank() && "root".equals(System.getProperty("user.name"))) {
            UserPrincipal user = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(owner.get());
            Files.setOwner(path, user);
        }
    }

    /** Gives a whole tree to {@code owner} when given and this JVM is root. */
    public static void ownTree(Path root, Optional<String> owner) throws IOException {
        if (owner.isEmpty() || owner.get().isBlank() || !"root".equals(System.getProperty("user.name"))) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                own(p, owner);
            }
        }
    }
}
