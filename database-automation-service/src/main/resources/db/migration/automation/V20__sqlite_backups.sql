-- SQLite targets: backups taken in-process with VACUUM INTO (engine sqlite_vacuum_into).
ALTER TABLE backup DROP CONSTRAINT backup_engine_valid;
ALTER TABLE backup ADD CONSTRAINT backup_engine_valid
    CHECK (engine IN ('pgbackrest', 'pg_basebackup', 'pg_dump', 'mariadb_dump', 'mariadb_backup', 'sqlite_vacuum_into'));
