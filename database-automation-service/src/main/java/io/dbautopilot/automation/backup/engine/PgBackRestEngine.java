package io.dbautopilot.automation.backup.engine;

import io.dbautopilot.support.tool.ToolProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.backup.Backup;
import io.dbautopilot.automation.backup.BackupTools;
import io.dbautopilot.automation.backup.BackupType;
import io.dbautopilot.automation.backup.EngineKind;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pgBackRest: stanza created and checked by the service, {@code archive_command} set on the target (ALTER SYSTEM +
 * reload), full/differential/incremental backups with zstd compression, progress from its detail log
 * ({@code backup file … (size, NN.NN%)}), {@code verify} for corruption, its own chain-aware {@code expire}.
 */
@ApplicationScoped
public class PgBackRestEngine implements BackupEngine {

    private static final Logger LOG = Logger.getLogger(PgBackRestEngine.class);
    private static final Pattern FILE_PROGRESS = Pattern.compile("backup file .* \\(([0-9.]+)([KMGTP]?B)[^,]*, ([0-9.]+)%\\)");
    private static final Pattern LABEL = Pattern.compile("new backup label = (\\S+)");
    private static final Pattern VERIFY_LINE = Pattern.compile("backup: (\\S+), status: (\\w+)(.*)");
    private static final Duration SHORT = Duration.ofMinutes(10);
    /** {@code pgbackrest info} status codes meaning the stanza has to be created ("missing stanza path/data"). */
    private static final int STANZA_MISSING = 1;
    private static final int STANZA_DATA_MISSING = 3;

    private final BackupTools tools;
    private final ObjectMapper json = new ObjectMapper();

    public PgBackRestEngine(BackupTools tools) {
        this.tools = tools;
    }

    @Override
    public EngineKind kind() {
        return EngineKind.PGBACKREST;
    }

    @Override
    public Optional<String> unsupported(BackupTarget target, BackupType type) {
        if (type == BackupType.LOGICAL) {
            return Optional.of("pgbackrest takes physical backups (full, differential, incremental); use engine pg_dump "
                    + "for a logical backup");
        }
        return archivingMissing(target);
    }

    /** The configuration file used for a target: the operator's, or one written by the service. */
    public Path configFile(BackupTarget t) {
        return t.pgbackrestConfig().map(Path::of).orElse(t.home().resolve("pgbackrest.conf"));
    }

    /** The repository path of a service-written configuration. */
    public Path repository(BackupTarget t) {
        return t.home().resolve("pgbackrest-repo");
    }

    @Override
    public EngineResult backup(BackupTarget t, BackupType type, Progress progress, BooleanSupplier stop, Instant deadline)
            throws BackupFailure {
        prepare(t);
        String pgbrType = switch (type) {
            case FULL -> "full";
            case DIFFERENTIAL -> "diff";
            case INCREMENTAL -> "incr";
            case LOGICAL -> throw new BackupFailure(unsupported(t, type).orElseThrow());
        };
        String[] label = new String[1];
        double[] bytes = new double[1];
        ToolProcess.Result r = run(t, List.of("--type=" + pgbrType, "--log-level-console=detail",
                "--log-level-stderr=warn", "backup"), line -> {
            Matcher m = FILE_PROGRESS.matcher(line);
            if (m.find()) {
                bytes[0] += bytes(m.group(1), m.group(2));
                progress.report(Double.parseDouble(m.group(3)), (long) bytes[0], null);
            }
            Matcher l = LABEL.matcher(line);
            if (l.find()) {
                label[0] = l.group(1);
            }
        }, stop, deadline);
        if (!r.ok()) {
            throw new BackupFailure(r.stopped() ? "stopped" : r.timedOut() ? "time budget spent"
                    : "pgbackrest backup exited with " + r.exitCode() + ": " + r.output());
        }
        JsonNode backups = info(t).path("backup");
        JsonNode found = null;
        for (JsonNode b : backups) {
            if (label[0] == null || label[0].equals(b.path("label").asText())) {
                found = b;
            }
        }
        if (found == null) {
            throw new BackupFailure("pgbackrest reported backup " + label[0] + " but 'pgbackrest info' does not list it");
        }
        return new EngineResult(BackupType.parse(found.path("type").asText()).orElse(type), found.path("label").asText(),
                found.path("prior").isNull() ? null : found.path("prior").asText(null), repository(t).toString(),
                found.path("info").path("size").asLong(), found.path("info").path("repository").path("delta").asLong(),
                found.path("archive").path("start").asText(null), found.path("archive").path("stop").asText(null),
                found.path("lsn").path("start").asText(null), found.path("lsn").path("stop").asText(null), null);
    }

    /** The labels of the backups the repository holds now (after pgBackRest's own expire). */
    public Set<String> labels(BackupTarget t) throws BackupFailure {
        Set<String> labels = new java.util.LinkedHashSet<>();
        for (JsonNode b : info(t).path("backup")) {
            labels.add(b.path("label").asText());
        }
        return labels;
    }

    @Override
    public Verification verify(BackupTarget t, Backup backup) throws BackupFailure {
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>()); // all of it: the tail is bounded
        ToolProcess.Result r = run(t, List.of("--output=text", "--verbose", "--log-level-console=warn", "verify"),
                lines::add, () -> false, Instant.now().plus(SHORT));
        if (r.exitCode() != 0) {
            throw new BackupFailure("pgbackrest verify exited with " + r.exitCode() + ": " + r.output());
        }
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = VERIFY_LINE.matcher(lines.get(i).trim());
            if (m.matches() && m.group(1).equals(backup.label())) {
                String detail = "pgbackrest verify: " + m.group(2) + m.group(3)
                        + (i + 1 < lines.size() ? "; " + lines.get(i + 1).trim() : "");
                return new Verification("valid".equals(m.group(2)), detail);
            }
        }
        throw new BackupFailure("pgbackrest verify did not report backup " + backup.label() + ": " + r.output());
    }

    @Override
    public void remove(BackupTarget t, Backup backup) throws BackupFailure {
        ToolProcess.Result r = run(t, List.of("--set=" + backup.label(), "expire"), l -> { }, () -> false,
                Instant.now().plus(SHORT));
        if (!r.ok()) {
            throw new BackupFailure("pgbackrest expire --set=" + backup.label() + " exited with " + r.exitCode() + ": "
                    + r.output());
        }
    }

    @Override
    public void cleanPartial(BackupTarget target, Backup backup) {
        // pgBackRest resumes or removes an aborted backup itself at its next backup of the stanza.
    }

    @Override
    public void restore(BackupTarget t, Backup backup, Path dataDir, Optional<Instant> targetTime, BooleanSupplier stop,
                        Instant deadline) throws BackupFailure {
        // always the chosen backup set (pgBackRest would otherwise pick one itself for a time target); recovery
        // replays the archive up to the target time, or only to the backup's consistency point
        List<String> args = new ArrayList<>(List.of("--pg1-path=" + dataDir, "--log-level-console=info",
                "--set=" + backup.label(), "--target-action=promote"));
        if (targetTime.isPresent()) {
            args.addAll(List.of("--type=time", "--target=" + pgTimestamp(targetTime.get())));
        } else {
            args.add("--type=immediate");
        }
        args.add("restore");
        ToolProcess.Result r = run(t, args, l -> { }, stop, deadline);
        if (!r.ok()) {
            throw new BackupFailure("pgbackrest restore exited with " + r.exitCode() + ": " + r.output());
        }
    }

    /** Why the target cannot be backed up by pgBackRest as it runs (WAL archiving off); empty when it can. */
    private static Optional<String> archivingMissing(BackupTarget t) {
        if ("on".equals(t.archiveMode()) || "always".equals(t.archiveMode())) {
            return Optional.empty();
        }
        return Optional.of("archive_mode is " + t.archiveMode() + " on '" + t.databaseId() + "': pgBackRest needs "
                + "WAL archiving. Run ALTER SYSTEM SET archive_mode = on and restart PostgreSQL (the service sets "
                + "archive_command itself), or choose engine pg_basebackup or pg_dump with autopilot.backup.databases."
                + t.databaseId() + ".engine");
    }

    /** Writes the configuration (unless the operator gave one), creates the stanza and sets up WAL archiving. */
    private void prepare(BackupTarget t) throws BackupFailure {
        Optional<String> archiving = archivingMissing(t);
        if (archiving.isPresent()) {
            throw new BackupFailure(archiving.get());
        }
        try {
            StoredFiles.directory(t.home(), t.osUser());
            if (t.pgbackrestConfig().isEmpty()) {
                for (String d : List.of("pgbackrest-repo", "pgbackrest-log", "pgbackrest-lock", "pgbackrest-spool")) {
                    StoredFiles.directory(t.home().resolve(d), t.osUser());
                }
                String retention = t.retentionAgeDays()
                        .map(days -> "repo1-retention-full-type=time\nrepo1-retention-full=" + days + "\n")
                        .orElse("repo1-retention-full=" + t.retentionFull() + "\n");
                String conf = "# written by DB Autopilot for managed database " + t.databaseId() + "; set "
                        + "autopilot.backup.databases." + t.databaseId() + ".pgbackrest-config to use your own\n"
                        + "[global]\n"
                        + "repo1-path=" + repository(t) + "\n"
                        + retention
                        + "compress-type=zst\n"
                        + "start-fast=y\n"
                        + "log-path=" + t.home().resolve("pgbackrest-log") + "\n"
                        + "lock-path=" + t.home().resolve("pgbackrest-lock") + "\n"
                        + "spool-path=" + t.home().resolve("pgbackrest-spool") + "\n"
                        + "\n[" + t.stanza() + "]\n"
                        + "pg1-path=" + t.dataDirectory() + "\n"
                        + "pg1-port=" + t.port() + "\n"
                        + "pg1-socket-path=" + t.socketDirectory() + "\n"
                        + t.user().map(u -> "pg1-user=" + u + "\n").orElse("");
                Path file = configFile(t);
                Files.writeString(file, conf, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(file, StoredFiles.PRIVATE_FILE);
                StoredFiles.own(file, t.osUser());
            }
        } catch (IOException e) {
            throw new BackupFailure("cannot write the pgBackRest configuration under " + t.home() + ": " + e.getMessage()
                    + " (autopilot.backup.directory must be writable by the service and the cluster's OS user)", e);
        }
        int status = info(t).path("status").path("code").asInt(-1);
        if (status == STANZA_MISSING || status == STANZA_DATA_MISSING) {
            ToolProcess.Result created = run(t, List.of("stanza-create"), l -> { }, () -> false,
                    Instant.now().plus(SHORT));
            if (!created.ok()) {
                throw new BackupFailure("pgbackrest stanza-create exited with " + created.exitCode() + ": "
                        + created.output());
            }
            LOG.infof("Managed database %s: pgBackRest stanza %s created", t.databaseId(), t.stanza());
        }
        String expected = ArchiveCommand.pgbackrestPush(tools.tool("pgbackrest").toString(), configFile(t).toString(),
                t.stanza());
        if (t.configureArchiving() && !expected.equals(t.archiveCommand())) {
            try (Connection c = t.connector().open();
                 PreparedStatement ps = c.prepareStatement("SELECT format('ALTER SYSTEM SET archive_command = %L', ?::text)")) {
                ps.setString(1, expected);
                String alter;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    alter = rs.getString(1);
                }
                try (Statement st = c.createStatement()) {
                    st.execute(alter);
                    st.execute("SELECT pg_reload_conf()");
                }
                LOG.infof("Managed database %s: archive_command set to pgBackRest archive-push (ALTER SYSTEM + reload)",
                        t.databaseId());
            } catch (SQLException e) {
                throw new BackupFailure("cannot set archive_command on '" + t.databaseId() + "' (needs superuser): "
                        + e.getMessage(), e);
            }
            ToolProcess.Result check = run(t, List.of("check"), l -> { }, () -> false, Instant.now().plus(SHORT));
            if (!check.ok()) {
                throw new BackupFailure("pgbackrest check failed after setting archive_command: " + check.output());
            }
        }
    }

    private JsonNode info(BackupTarget t) throws BackupFailure {
        StringBuffer out = new StringBuffer(); // all of it: the tail is bounded (and splits very long lines)
        ToolProcess.Result r = run(t, List.of("--output=json", "--log-level-console=off", "--log-level-stderr=error",
                "info"), out::append, () -> false, Instant.now().plus(SHORT));
        if (!r.ok()) {
            throw new BackupFailure("pgbackrest info exited with " + r.exitCode() + ": " + r.output());
        }
        try {
            JsonNode all = json.readTree(out.toString());
            return all.isArray() && !all.isEmpty() ? all.get(0) : json.createObjectNode();
        } catch (IOException e) {
            throw new BackupFailure("cannot read 'pgbackrest info' output: " + e.getMessage(), e);
        }
    }

    private ToolProcess.Result run(BackupTarget t, List<String> args, java.util.function.Consumer<String> lines,
                                   BooleanSupplier stop, Instant deadline) throws BackupFailure {
        List<String> cmd = new ArrayList<>(List.of(tools.tool("pgbackrest").toString(), "--config=" + configFile(t),
                "--stanza=" + t.stanza()));
        cmd.addAll(args);
        try {
            return new ToolProcess(cmd, Map.of(), t.osUser(), null).run(lines, stop, deadline);
        } catch (IOException e) {
            throw new BackupFailure("cannot run pgbackrest: " + e.getMessage(), e);
        }
    }

    /** An instant as PostgreSQL reads {@code recovery_target_time}: {@code 2026-11-22 21:50:00.123456+00}. */
    static String pgTimestamp(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
                .withZone(java.time.ZoneOffset.UTC).format(t);
    }

    private static double bytes(String number, String unit) {
        double n = Double.parseDouble(number);
        return switch (unit) {
            case "KB" -> n * 1024;
            case "MB" -> n * 1024 * 1024;
            case "GB" -> n * 1024 * 1024 * 1024;
            case "TB" -> n * 1024L * 1024 * 1024 * 1024;
            default -> n;
        };
    }
}
