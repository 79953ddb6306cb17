-- SQLite targets: backups taken in-process with VACUUM INTO (engine sqlite_vacuum_into); keeps V19's redis_rdb.
ALTER TABLE backup DROP CONSTRAINT backup_engine_valid;
ALTER TABLE backup ADD CONSTRAINT backup_engine_valid
    CHECK (engine IN ('pgbackrest', 'pg_basebackup', 'pg_dump', 'mariadb_dump', 'mariadb_backup', 'redis_rdb',
                      'sqlite_vacuum_into'));
