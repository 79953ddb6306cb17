package io.dbautopilot.performance.collect;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.smallrye.mutiny.Uni;

import java.util.Arrays;
import java.util.List;

/**
 * The one cheap query every cycle starts with: server version, role, load and the databases to visit.
 *
 * @param serverVersion      {@code server_version_num}
 * @param inRecovery         whether the server is a standby
 * @param postmasterStart    postmaster start time as epoch seconds (changes on restart)
 * @param clientBackends     client backends connected (excluding this one)
 * @param activeBackends     client backends running a query (excluding this one)
 * @param ownBackends        of the client backends, the collector's own (its {@code application_name}, any instance)
 * @param usableConnections  max_connections minus superuser-reserved connections
 * @param currentDatabase    database this connection is in
 * @param databases          every database that accepts connections, templates excluded
 * @param dataDirectory      data_directory when readable by the monitoring role, else null
 */
public record TargetProbe(int serverVersion, boolean inRecovery, double postmasterStart, int clientBackends,
                          int activeBackends, int ownBackends, int usableConnections, String currentDatabase,
                          List<String> databases, String dataDirectory) {

    static final String SQL = """
            SELECT current_setting('server_version_num')::int AS version,
                   pg_is_in_recovery() AS in_recovery,
                   extract(epoch FROM pg_postmaster_start_time())::float8 AS started,
                   count(*) FILTER (WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()) AS clients,
                   count(*) FILTER (WHERE a.backend_type = 'client backend' AND a.state = 'active'
                                      AND a.pid <> pg_backend_pid()) AS active,
                   count(*) FILTER (WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
                                      AND a.application_name = '%s') AS own,
                   current_setting('max_connections')::int
                     - current_setting('superuser_reserved_connections')::int AS usable,
                   current_database() AS current_db,
                   (SELECT array_agg(datname ORDER BY datname) FROM pg_database
                     WHERE datallowconn AND NOT datistemplate) AS databases,
                   CASE WHEN pg_has_role('pg_read_all_settings', 'USAGE')
                        THEN current_setting('data_directory') END AS data_directory
              FROM pg_stat_activity a""".formatted(TargetConnections.APPLICATION_NAME);

    /** Runs the probe. */
    public static Uni<TargetProbe> read(SqlClient client) {
        return client.query(SQL).execute().map(rows -> {
            Row r = rows.iterator().next();
            String[] dbs = r.getArrayOfStrings("databases");
            return new TargetProbe(r.getInteger("version"), r.getBoolean("in_recovery"), r.getDouble("started"),
                    r.getLong("clients").intValue(), r.getLong("active").intValue(), r.getLong("own").intValue(),
                    r.getInteger("usable"), r.getString("current_db"), dbs == null ? List.of() : Arrays.asList(dbs),
                    r.getString("data_directory"));
        });
    }

    /** Share of usable connections in use by all clients, this one and the collector's kept ones included. */
    public double connectionUtilization() {
        return usableConnections <= 0 ? 0 : (double) (clientBackends + 1) / usableConnections;
    }

    /**
     * Share of usable connections in use by other clients, plus this one: what the collector's own kept connections
     * cannot explain. Heavy families are shed on this, not on the collector's idle connections (those are given back
     * instead, {@code SnapshotCollector}).
     */
    public double othersUtilization() {
        return usableConnections <= 0 ? 0 : (double) (clientBackends - ownBackends + 1) / usableConnections;
    }
}
