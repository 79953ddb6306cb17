package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code schema_security} family: schemas of a database on which every role (PUBLIC) may CREATE objects. */
@ApplicationScoped
public class SchemaSecurityFamily extends DatabaseSqlFamily {
    public SchemaSecurityFamily() {
        super("schema_security", Duration.ofHours(1), false);
    }

    static final String SQL = """
            SELECT n.nspname AS schemaname
              FROM pg_namespace n
             WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
               AND EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) x
                            WHERE x.grantee = 0 AND x.privilege_type = 'CREATE')""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int count = 0;
        for (Row r : results.get(0)) {
            count++;
            points.add("pg_security_public_create_schema", 1, "schemaname", r.getString("schemaname"));
        }
        points.add("pg_security_public_create_schemas", count);
    }
}
