-- MySQL / MariaDB targets: backups taken with mariadb-dump (logical) and mariadb-backup (physical full + incremental).
ALTER TABLE backup DROP CONSTRAINT backup_engine_valid;
ALTER TABLE backup ADD CONSTRAINT backup_engine_valid
    CHECK (engine IN ('pgbackrest', 'pg_basebackup', 'pg_dump', 'mariadb_dump', 'mariadb_backup'));
