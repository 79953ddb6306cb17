package io.dbautopilot.automation.backup.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.UUID;

/**
 * The option file ({@code --defaults-extra-file}, mode 0600, removed after the run) through which the MariaDB client
 * tools get the target's host, port, user, password and TLS mode: nothing secret on a command line or in a log.
 */
public final class MariaDbClientFiles {

    private MariaDbClientFiles() {
    }

    /**
     * Writes a private option file for {@code target} into {@code dir} (created 0700 if missing); groups
     * {@code [client]} (mariadb, mariadb-dump) and {@code [mariadb-backup]}. The caller deletes it.
     */
    public static Path optionFile(BackupTarget target, Path dir) throws IOException {
        StoredFiles.directory(dir, java.util.Optional.empty());
        StringBuilder b = new StringBuilder("[client]\n");
        b.append("host=").append(quote(target.host())).append('\n');
        b.append("port=").append(target.port()).append('\n');
        b.append("protocol=TCP\n");
        target.user().ifPresent(u -> b.append("user=").append(quote(u)).append('\n'));
        target.password().ifPresent(p -> b.append("password=").append(quote(p)).append('\n'));
        // as the service's own sessions (MySqlConnections): no ssl-mode = disabled
        String ssl = target.urlParams().getOrDefault("ssl-mode", "disabled").toLowerCase(Locale.ROOT);
        switch (ssl) {
            case "required" -> b.append("ssl\n");
            case "verify_ca", "verify_identity" -> b.append("ssl\nssl-verify-server-cert\n");
            case "preferred" -> { }
            default -> b.append("skip-ssl\n");
        }
        String client = b.toString();
        String text = client + "\n[mariadb-backup]\n" + client.substring("[client]\n".length());
        Path file = dir.resolve(".client-" + UUID.randomUUID() + ".cnf");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(StoredFiles.PRIVATE_FILE));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** An option file value in double quotes, with backslash and quote escaped (the option-file syntax). */
    static String quote(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a MySQL connection setting must not contain a line break");
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Removes an option file; a failure is left for nobody to read (mode 0600). */
    public static void delete(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // 0600 and owned by this service: harmless until the next clean-up
        }
    }
}
