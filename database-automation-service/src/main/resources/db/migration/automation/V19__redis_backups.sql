-- Redis targets: RDB snapshots taken with redis-cli --rdb (engine redis_rdb).
-- A later migration that redefines this constraint must keep 'redis_rdb'.
ALTER TABLE backup DROP CONSTRAINT backup_engine_valid;
ALTER TABLE backup ADD CONSTRAINT backup_engine_valid
    CHECK (engine IN ('pgbackrest', 'pg_basebackup', 'pg_dump', 'mariadb_dump', 'mariadb_backup', 'redis_rdb'));
