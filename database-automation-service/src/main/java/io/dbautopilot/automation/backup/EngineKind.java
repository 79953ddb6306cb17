package io.dbautopilot.automation.backup;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The backup engines (external tools) the service can drive, with the tools each needs and how to install them. */
public enum EngineKind {
    /** pgBackRest: full/differential/incremental physical backups, WAL archiving, verify, expire, restore. */
    PGBACKREST(List.of("pgbackrest"), "sudo apt-get install -y pgbackrest (Debian/Ubuntu; pgBackRest 2.45 or newer)"),
    /** pg_basebackup: full physical backup (tar, gzip) with a manifest, verified by pg_verifybackup. */
    PG_BASEBACKUP(List.of("pg_basebackup", "pg_verifybackup", "tar"),
            "sudo apt-get install -y postgresql-client (pg_basebackup and pg_verifybackup of the server's major version)"),
    /** pg_dump: logical backup of one database (custom format, compressed), verified by pg_restore --list. */
    PG_DUMP(List.of("pg_dump", "pg_restore"), "sudo apt-get install -y postgresql-client"),
    /**
     * mariadb-dump: logical backup of one MySQL / MariaDB database ({@code --single-transaction}), verified by a
     * restore into a scratch MariaDB server and a {@code CHECKSUM TABLE} comparison.
     */
    MARIADB_DUMP(List.of("mariadb-dump", "mariadb", "mariadb-install-db", "mariadbd"),
            "sudo apt-get install -y mariadb-client mariadb-server (mariadb-dump, mariadb, mariadb-install-db, mariadbd)"),
    /**
     * mariadb-backup: physical full and incremental backups of a MariaDB server on this machine, prepared and
     * restored into a scratch server for verification.
     */
    MARIADB_BACKUP(List.of("mariadb-backup", "mariadbd"),
            "sudo apt-get install -y mariadb-backup mariadb-server (mariadb-backup of the server's version, mariadbd)"),
    /**
     * Redis RDB snapshot streamed by {@code redis-cli --rdb} (the server forks and sends it over the replication
     * protocol: no file access to the server needed), checked by {@code redis-check-rdb} and loaded into a scratch
     * {@code redis-server}.
     */
    REDIS_RDB(List.of("redis-cli", "redis-check-rdb", "redis-server"),
            "sudo apt-get install -y redis-tools redis-server (redis-cli, redis-check-rdb, redis-server)"),
    /**
     * {@code VACUUM INTO}: a consistent, compacted copy of a SQLite file taken through sqlite-jdbc while the
     * application writes, verified by {@code PRAGMA integrity_check} and per-table row counts; no external tool.
     */
    SQLITE_VACUUM_INTO(List.of(), "nothing to install: sqlite-jdbc is part of the service");

    private final List<String> tools;
    private final String install;

    EngineKind(List<String> tools, String install) {
        this.tools = tools;
        this.install = install;
    }

    /** Whether this engine backs up MySQL / MariaDB targets (restored into a scratch MariaDB server). */
    public boolean mariaDb() {
        return this == MARIADB_DUMP || this == MARIADB_BACKUP;
    }

    /**
     * Whether its restores and drills run into a scratch copy under the service's backup directory (MariaDB, Redis: a
     * scratch server; SQLite: a scratch file), not into a PostgreSQL data directory on a port.
     */
    public boolean scratchRestored() {
        return mariaDb() || this == REDIS_RDB || this == SQLITE_VACUUM_INTO;
    }

    /** Executables the engine needs. */
    public List<String> tools() {
        return tools;
    }

    /** How to install the missing tools. */
    public String install() {
        return install;
    }

    /** Stored/wire name, e.g. {@code pg_basebackup}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; empty when unknown. */
    public static Optional<EngineKind> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(v -> v.wire().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
