package io.dbautopilot.performance.collect.mysql;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cheap queries every MySQL cycle starts with: version, uptime and the schemas of the server.
 *
 * @param version        {@code VERSION()}, e.g. {@code 10.11.6-MariaDB-0+deb12u1}
 * @param versionComment {@code @@version_comment}
 * @param mariadb        whether the server is MariaDB (else MySQL)
 * @param readOnly       {@code @@read_only}
 * @param uptimeSeconds  status {@code Uptime}
 * @param startedAt      epoch second the server started (now minus uptime)
 * @param schemas        every schema but the system ones ({@code mysql}, {@code information_schema},
 *                       {@code performance_schema}, {@code sys})
 */
public record MySqlProbe(String version, String versionComment, boolean mariadb, boolean readOnly, long uptimeSeconds,
                         long startedAt, List<String> schemas) {

    /** Schemas of the server itself, never reported as user schemas. */
    public static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");

    /** SQL list of {@link #SYSTEM_SCHEMAS}, for {@code NOT IN}. */
    public static final String SYSTEM_SCHEMAS_SQL = "('mysql', 'information_schema', 'performance_schema', 'sys')";

    static final String SQL = """
            SELECT VERSION() AS version, @@version_comment AS comment, @@read_only AS ro, UNIX_TIMESTAMP() AS now_s,
                   (SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY SCHEMA_NAME SEPARATOR '\\n') FROM information_schema.SCHEMATA
                     WHERE SCHEMA_NAME NOT IN """ + SYSTEM_SCHEMAS_SQL + ") AS schema_list";

    /** Runs the probe. */
    public static Uni<MySqlProbe> read(SqlClient client) {
        return client.query(SQL).execute().chain(rows -> client.query("SHOW GLOBAL STATUS LIKE 'Uptime'").execute()
                .map(uptime -> {
                    Row r = rows.iterator().next();
                    String version = MySqlValues.text(r.getValue("version"));
                    String comment = MySqlValues.text(r.getValue("comment"));
                    long up = MySqlValues.number(uptime.iterator().next().getValue(1)).longValue();
                    long now = MySqlValues.number(r.getValue("now_s")).longValue();
                    String list = MySqlValues.text(r.getValue("schema_list"));
                    List<String> schemas = new ArrayList<>();
                    if (list != null && !list.isEmpty()) {
                        schemas.addAll(List.of(list.split("\n")));
                    }
                    boolean maria = (version + " " + comment).toLowerCase(Locale.ROOT).contains("mariadb");
                    Number ro = MySqlValues.number(r.getValue("ro"));
                    return new MySqlProbe(version, comment, maria, ro != null && ro.intValue() == 1, up, now - up,
                            List.copyOf(schemas));
                }));
    }
}
