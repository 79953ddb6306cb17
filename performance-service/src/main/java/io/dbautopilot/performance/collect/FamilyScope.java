package io.dbautopilot.performance.collect;

/** Where a family reads from: the server as a whole (one connection) or each database in turn. */
public enum FamilyScope {
    /** Cluster-wide views (pg_stat_database, pg_stat_activity, WAL…), read once per target on its own connection. */
    SERVER,
    /** Per-database catalogs (tables, indexes, bloat…), read in every discovered database. */
    DATABASE
}
