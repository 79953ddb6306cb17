package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the migration state of a managed database through Flyway ({@code info}, {@code validate}) and this service's
 * own {@code automation.migration_event} records: status per migration, checksum validation, dry runs.
 */
@ApplicationScoped
public class MigrationCatalog {

    /** What to do about a failed validation: never a silent repair. */
    static final String WHAT_TO_DO = "restore the applied script(s) to their original content (or add a new V script "
            + "for the change); this service never repairs checksums: if the change is intended, run Flyway's repair "
            + "yourself after review";

    private final MigrationFlyway flyways;
    private final StateTransactions transactions;

    private final MigrationLint lint;

    public MigrationCatalog(MigrationFlyway flyways, StateTransactions transactions, MigrationLint lint) {
        this.flyways = flyways;
        this.transactions = transactions;
        this.lint = lint;
    }

    /** Status of every migration (applied, pending, failed, undone) of a database, in version order. */
    public List<MigrationStatus> status(String id) {
        Flyway flyway = flyways.flyway(id, "migrations", null);
        MigrationInfo[] all = flyway.info().all();
        Map<MigrationVersion, MigrationFlyway.UndoScript> undo = flyways.undoScripts(id);
        Map<String, LastEvent> events = lastEvents(id);
        Map<String, MigrationStatus> byKey = new LinkedHashMap<>();
        for (MigrationInfo mi : all) {
            MigrationVersion v = mi.getVersion();
            String key = v == null ? "R:" + mi.getDescription() : v.getVersion();
            String status = status(mi.getState());
            if (status == null) {
                continue;
            }
            MigrationStatus previous = byKey.get(key);
            // several Flyway rows per version (an undone one, then pending or applied again): the later state wins,
            // except that "pending again" after an undo is reported as undone
            if (previous != null && "undone".equals(previous.status()) && "pending".equals(status)) {
                continue;
            }
            Instant appliedAt = mi.getInstalledOn() == null ? null : mi.getInstalledOn().toInstant();
            String error = null;
            LastEvent e = events.get(key);
            if ("undone".equals(status) && e != null && "undo".equals(e.action)) {
                appliedAt = e.at;
            }
            if ("pending".equals(status) && e != null && "apply".equals(e.action) && "failed".equals(e.outcome)) {
                status = "failed";
                error = e.error;
                appliedAt = e.at;
            } else if ("failed".equals(status) && e != null && e.error != null) {
                error = e.error;
            }
            byKey.put(key, new MigrationStatus(id + ":" + key, id, v == null ? null : v.getVersion(), mi.getDescription(),
                    mi.getScript(), status, appliedAt, mi.getChecksum(), v != null && undo.containsKey(v), error,
                    mi.getState().getDisplayName()));
        }
        return new ArrayList<>(byKey.values());
    }

    private static String status(MigrationState state) {
        return switch (state) {
            case PENDING, ABOVE_TARGET, OUTDATED -> "pending";
            case SUCCESS, OUT_OF_ORDER, BASELINE, MISSING_SUCCESS, FUTURE_SUCCESS, SUPERSEDED -> "completed";
            case FAILED, MISSING_FAILED, FUTURE_FAILED -> "failed";
            case DELETED, UNDONE -> "undone";
            default -> null;
        };
    }

    /** The current schema version (latest applied, not undone), or empty when none. */
    public Optional<String> schemaVersion(String id) {
        return Optional.ofNullable(appliedVersion(flyways.flyway(id, "migrations", null).info().all()));
    }

    /** The highest successfully applied (and not undone) version; null when none. Failed rows do not count. */
    static String appliedVersion(MigrationInfo[] all) {
        MigrationVersion best = null;
        for (MigrationInfo mi : all) {
            MigrationState s = mi.getState();
            if (mi.getVersion() != null && (s == MigrationState.SUCCESS || s == MigrationState.OUT_OF_ORDER
                    || s == MigrationState.BASELINE || s == MigrationState.MISSING_SUCCESS || s == MigrationState.FUTURE_SUCCESS)
                    && (best == null || mi.getVersion().isNewerThan(best.getVersion()))) {
                best = mi.getVersion();
            }
        }
        return best == null ? null : best.getVersion();
    }

    /** Validates the applied migrations against the scripts: checksums (with both values), missing and failed ones. */
    public ValidationReport validate(String id) {
        return validate(id, flyways.flyway(id, "migrations", null));
    }

    /** Validation with a given Flyway instance (pending migrations are not an error). */
    ValidationReport validate(String id, Flyway flyway) {
        List<ChecksumMismatch> mismatches = new ArrayList<>();
        for (MigrationInfo mi : flyway.info().all()) {
            if (mi.getVersion() != null && mi.isApplied() && mi.getState() != MigrationState.DELETED
                    && mi.getResolvedChecksum() != null && !mi.isChecksumMatching()) {
                mismatches.add(new ChecksumMismatch(mi.getVersion().getVersion(), mi.getScript(), mi.getPhysicalLocation(),
                        mi.getAppliedChecksum(), mi.getResolvedChecksum()));
            }
        }
        ValidateResult result = Flyway.configure(getClass().getClassLoader()).configuration(flyway.getConfiguration())
                .ignoreMigrationPatterns("*:pending", "*:future").load().validateWithResult();
        List<String> errors = new ArrayList<>();
        if (!result.validationSuccessful) {
            for (ValidateOutput o : result.invalidMigrations) {
                boolean isChecksum = mismatches.stream().anyMatch(m -> m.version().equals(o.version));
                if (!isChecksum && o.errorDetails != null) {
                    errors.add("version " + o.version + " (" + o.filepath + "): " + o.errorDetails.errorMessage);
                }
            }
            if (result.invalidMigrations.isEmpty() && result.errorDetails != null) {
                errors.add(result.errorDetails.errorMessage);
            }
        }
        boolean valid = mismatches.isEmpty() && errors.isEmpty();
        return new ValidationReport(id, valid, mismatches, errors, valid ? null : WHAT_TO_DO);
    }

    /**
     * The migrations an apply (up to {@code target}, null = latest) would run, in order, with their SQL and the
     * findings of the {@link MigrationLint} against the target's live catalog.
     */
    public DryRun dryRun(String id, String target) {
        Flyway flyway = flyways.flyway(id, "migrations", target);
        ValidationReport validation = validate(id, flyway);
        List<DryRun.Step> steps = new ArrayList<>();
        var info = flyway.info();
        for (MigrationInfo mi : info.pending()) {
            steps.add(new DryRun.Step(mi.getVersion() == null ? null : mi.getVersion().getVersion(), mi.getDescription(),
                    mi.getScript(), mi.getChecksum(), read(mi.getPhysicalLocation())));
        }
        return new DryRun(id, appliedVersion(info.all()), target, validation, steps,
                lint.lint(id, DryRun.scripts(steps)));
    }

    static String read(String file) {
        try {
            return file == null ? null : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "-- cannot read " + file + ": " + e.getMessage();
        }
    }

    private record LastEvent(String action, String outcome, String error, Instant at) {
    }

    private Map<String, LastEvent> lastEvents(String id) {
        return transactions.inTransaction(tx -> {
            Map<String, LastEvent> out = new HashMap<>();
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT DISTINCT ON (version) version, action, outcome, error, at FROM automation.migration_event
                     WHERE database_id = ? AND version IS NOT NULL AND action IN ('apply', 'undo')
                     ORDER BY version, id DESC""")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), new LastEvent(rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getTimestamp(5).toInstant()));
                    }
                }
            }
            return out;
        });
    }
}
