package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code sequences} family: how much of its range each non-cycling sequence has used. A sequence owned by an
 * {@code integer} or {@code smallint} column (serial, identity) runs out at the column's maximum, not the
 * sequence's — the classic int4 primary-key outage — so the smaller limit is used.
 */
@ApplicationScoped
public class SequencesFamily extends DatabaseSqlFamily {
    public SequencesFamily() {
        super("sequences", Duration.ofMinutes(10), true);
    }

    static final String SQL = """
            SELECT s.schemaname, s.sequencename, s.last_value::float8 AS last_value,
                   s.min_value::float8 AS min_value, s.max_value::float8 AS max_value,
                   s.increment_by::float8 AS increment_by,
                   (SELECT CASE a.atttypid WHEN 'int2'::regtype THEN 32767::float8
                                           WHEN 'int4'::regtype THEN 2147483647::float8 END
                      FROM pg_depend d
                      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                       AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                     LIMIT 1) AS column_max
              FROM pg_sequences s
              JOIN pg_namespace n ON n.nspname = s.schemaname
              JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename
             WHERE NOT s.cycle AND s.last_value IS NOT NULL AND s.increment_by > 0""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        double worst = 0;
        for (Row r : results.get(0)) {
            double last = number(r, "last_value");
            double min = number(r, "min_value");
            double max = number(r, "max_value");
            Object columnMax = r.getValue("column_max");
            if (columnMax instanceof Number n && n.doubleValue() < max) {
                max = n.doubleValue();
            }
            double ratio = max > min ? (last - min) / (max - min) : 1;
            String[] labels = {"schemaname", r.getString("schemaname"), "sequencename", r.getString("sequencename")};
            points.add("pg_sequence_used_ratio", ratio, labels);
            points.add("pg_sequence_remaining_values", Math.max(0, Math.floor((max - last) / number(r, "increment_by"))),
                    labels);
            worst = Math.max(worst, ratio);
        }
        points.add("pg_sequences_max_used_ratio", worst);
    }
}
