package io.dbautopilot.automation.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backups, verification, retention, schedules and restore drills ({@code autopilot.backup.*}); the tools are found
 * through {@code autopilot.tools.directory}.
 */
@ConfigMapping(prefix = "autopilot.backup")
public interface BackupConfig {

    /** Root directory of backups and pgBackRest repositories; one sub-directory per database id (env {@code AUTOPILOT_BACKUP_DIRECTORY}). */
    @WithDefault("/var/lib/db-autopilot/backups")
    String directory();

    /**
     * OS user that owns the database clusters: pgBackRest, restores and scratch clusters run as this user (via runuser)
     * when the service runs as root; empty = the service's own user.
     */
    Optional<String> osUser();

    /**
     * Root under which {@code data_directory} of {@code POST /api/restores} must lie (symlinks resolved); default
     * {@code <directory>/restores} (env {@code AUTOPILOT_BACKUP_RESTORE_ROOT}).
     */
    Optional<String> restoreRoot();

    /** Minimum time between two progress events of one running backup. */
    @WithDefault("5s")
    Duration progressInterval();

    /** Time budget of one backup attempt (the process is stopped when it is spent). */
    @WithDefault("6h")
    Duration timeBudget();

    /** How often the schedules, the RPO and the WAL volume since the last backup are checked. */
    @WithDefault("1m")
    Duration checkInterval();

    /** Backup settings per managed database id (the same ids as {@code autopilot.databases.<id>}). */
    Map<String, Database> databases();

    /** Backup settings of one managed database. */
    interface Database {

        /** Engine: pgbackrest, pg_basebackup or pg_dump; default pgbackrest when installed, else pg_basebackup. */
        Optional<String> engine();

        /** pgBackRest stanza name; default the database id. */
        Optional<String> stanza();

        /**
         * An existing pgBackRest configuration file (with the stanza, repository and pg1-* settings) used as is;
         * unset = the service writes one under {@code directory}/&lt;id&gt;/ from the target's own settings.
         */
        Optional<String> pgbackrestConfig();

        /** Whether the service sets {@code archive_command} (pgBackRest archive-push) on the target via ALTER SYSTEM. */
        @WithDefault("true")
        boolean configureArchiving();

        /** The target's data directory; default {@code SHOW data_directory} (needs superuser or pg_read_all_settings). */
        Optional<String> dataDirectory();

        /** Full backups kept (with every differential/incremental backup depending on them). */
        @WithDefault("2")
        int retentionFull();

        /** Full backups older than this are expired (with their chain) as long as a newer full remains; unset = by count only. */
        Optional<Duration> retentionAge();

        /** Cron (Quartz syntax, e.g. {@code 0 0 1 ? * SUN}) of full backups; unset = none scheduled. */
        Optional<String> scheduleFull();

        /** Cron of differential backups (pgBackRest). */
        Optional<String> scheduleDifferential();

        /** Cron of incremental backups (pgBackRest; pg_basebackup on PostgreSQL 17+). */
        Optional<String> scheduleIncremental();

        /** Cron of logical backups (pg_dump). */
        Optional<String> scheduleLogical();

        /** Cron of restore drills of the latest backup; unset = no scheduled drill. */
        Optional<String> scheduleDrill();

        /** Recovery point objective: a breach is published when the newest completed backup is older; unset = not checked. */
        Optional<Duration> rpo();

        /** WAL written since the last backup (bytes) that triggers a backup; unset = not checked. */
        Optional<Long> walTriggerBytes();

        /** Tables (schema.table) whose row counts a restore drill reports. */
        Optional<List<String>> drillTables();
    }
}
