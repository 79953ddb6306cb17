package io.dbautopilot.automation.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Validates one database's backup settings at start-up ({@link BackupScheduler} calls it before registering any
 * job): a bad cron, engine, retention or database id fails the start with a message naming the setting.
 */
public final class BackupSettings {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private BackupSettings() {
    }

    /**
     * Checks {@code autopilot.backup.databases.<id>.*}; returns the configured schedules (setting name, e.g.
     * {@code schedule-full}, → cron) in a fixed order. Throws {@link IllegalArgumentException} naming the setting.
     */
    public static Map<String, String> validate(String id, BackupConfig.Database db, boolean managed) {
        String prefix = "autopilot.backup.databases." + id + ".";
        if (!managed) {
            throw new IllegalArgumentException(prefix + "*: '" + id + "' is not a managed database (set "
                    + "autopilot.databases." + id + ".url)");
        }
        db.engine().ifPresent(e -> EngineKind.parse(e).orElseThrow(() -> new IllegalArgumentException(prefix
                + "engine: unknown engine '" + e + "' (pgbackrest, pg_basebackup, pg_dump)")));
        if (db.retentionFull() < 1) {
            throw new IllegalArgumentException(prefix + "retention-full must be at least 1");
        }
        Map<String, Optional<String>> crons = new LinkedHashMap<>();
        crons.put("schedule-full", db.scheduleFull());
        crons.put("schedule-differential", db.scheduleDifferential());
        crons.put("schedule-incremental", db.scheduleIncremental());
        crons.put("schedule-logical", db.scheduleLogical());
        crons.put("schedule-drill", db.scheduleDrill());
        Map<String, String> valid = new LinkedHashMap<>();
        crons.forEach((setting, cron) -> cron.ifPresent(expr -> {
            try {
                CRON.parse(expr).validate();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + setting + ": '" + expr + "' is not a cron expression "
                        + "(Quartz syntax: seconds minutes hours day-of-month month day-of-week, "
                        + "e.g. '0 0 1 ? * SUN'): " + e.getMessage(), e);
            }
            valid.put(setting, expr);
        }));
        return valid;
    }
}
