package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CounterHistory;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Statement digests from {@code performance_schema.events_statements_summary_by_digest}: the top N
 * ({@code autopilot.collection.statements-top-n}) by total time, by mean time and by time this interval, each with
 * lifetime counters ({@code mysql_perf_schema_events_statements_total}, {@code ..._seconds_total}) and the interval's
 * calls and mean time; plus how many digests' mean time is above {@code slow-statement-mean}.
 */
@ApplicationScoped
public class StatementsFamily implements MySqlFamily {

    /** performance_schema timers are in picoseconds. */
    private static final double PICOS = 1e12;

    static final String SQL = """
            SELECT COALESCE(SCHEMA_NAME, '') AS schema_name, DIGEST AS digest, LEFT(DIGEST_TEXT, 120) AS digest_text,
                   COUNT_STAR AS calls, SUM_TIMER_WAIT AS time_ps, SUM_ROWS_EXAMINED AS rows_examined,
                   SUM_ROWS_SENT AS rows_sent, SUM_ERRORS AS errors
              FROM performance_schema.events_statements_summary_by_digest
             WHERE DIGEST IS NOT NULL AND COUNT_STAR > 0""";

    private record Digest(String schema, String digest, String text, double calls, double seconds, double rowsExamined,
                          double rowsSent, double errors, Optional<CounterHistory.Delta> dCalls,
                          Optional<CounterHistory.Delta> dSeconds) {

        double mean() {
            return calls == 0 ? 0 : seconds / calls;
        }

        double intervalSeconds() {
            return dSeconds.map(CounterHistory.Delta::amount).orElse(0.0);
        }
    }

    @Override
    public String name() {
        return "statements";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query("SELECT @@performance_schema AS on_").execute().chain(on -> {
            Number enabled = MySqlValues.number(on.iterator().next().getValue(0));
            if (enabled == null || enabled.intValue() != 1) {
                throw new FamilyUnavailableException("performance_schema is OFF (start the server with "
                        + "--performance-schema=ON)");
            }
            return client.query(SQL).execute().onFailure(StatementsFamily::denied).transform(e ->
                    new FamilyUnavailableException("cannot read performance_schema (" + e.getMessage()
                            + "): the monitoring user needs SELECT on performance_schema"));
        }).map(rows -> map(context, rows));
    }

    /** The server refused the read for a missing privilege (1142 table, 1044 database access denied). */
    private static boolean denied(Throwable e) {
        return e instanceof MySQLException my && (my.getErrorCode() == 1142 || my.getErrorCode() == 1044);
    }

    private List<MetricPoint> map(MySqlContext context, Iterable<Row> rows) {
        List<Digest> digests = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Row r : rows) {
            String schema = MySqlValues.text(r.getValue("schema_name"));
            String digest = MySqlValues.text(r.getValue("digest"));
            double calls = MySqlValues.number(r.getValue("calls")).doubleValue();
            double seconds = MySqlValues.number(r.getValue("time_ps")).doubleValue() / PICOS;
            String key = "digest/" + schema + "/" + digest + "/";
            seen.add(key + "calls");
            seen.add(key + "seconds");
            digests.add(new Digest(schema, digest, MySqlValues.text(r.getValue("digest_text")), calls, seconds,
                    MySqlValues.number(r.getValue("rows_examined")).doubleValue(),
                    MySqlValues.number(r.getValue("rows_sent")).doubleValue(),
                    MySqlValues.number(r.getValue("errors")).doubleValue(),
                    context.counters().advance(key + "calls", calls, context.cycleStart(), context.epoch()),
                    context.counters().advance(key + "seconds", seconds, context.cycleStart(), context.epoch())));
        }
        context.counters().retain("digest/", seen); // digests evicted from the summary table
        int n = context.settings().statementsTopN();
        Set<Digest> top = new LinkedHashSet<>();
        digests.stream().sorted(Comparator.comparingDouble(Digest::seconds).reversed()).limit(n).forEach(top::add);
        digests.stream().sorted(Comparator.comparingDouble(Digest::mean).reversed()).limit(n).forEach(top::add);
        digests.stream().filter(d -> d.intervalSeconds() > 0)
                .sorted(Comparator.comparingDouble(Digest::intervalSeconds).reversed()).limit(n).forEach(top::add);
        double slow = context.settings().slowStatementMean().toNanos() / 1e9;
        PointsBuilder points = new PointsBuilder();
        for (Digest d : top) {
            String[] labels = {"schema", d.schema(), "digest", d.digest(), "digest_text", String.valueOf(d.text())};
            points.add("mysql_perf_schema_events_statements_total", d.calls(), labels);
            points.add("mysql_perf_schema_events_statements_seconds_total", d.seconds(), labels);
            points.add("mysql_perf_schema_events_statements_rows_examined_total", d.rowsExamined(), labels);
            points.add("mysql_perf_schema_events_statements_rows_sent_total", d.rowsSent(), labels);
            points.add("mysql_perf_schema_events_statements_errors_total", d.errors(), labels);
            points.add("mysql_perf_schema_events_statements_mean_seconds", d.mean(), labels);
            if (d.dCalls().isPresent() && d.dSeconds().isPresent()) {
                double calls = d.dCalls().get().amount();
                points.add("mysql_perf_schema_events_statements_interval_calls", calls, labels);
                points.add("mysql_perf_schema_events_statements_interval_seconds", d.dSeconds().get().amount(), labels);
                if (calls > 0) {
                    points.add("mysql_perf_schema_events_statements_interval_mean_seconds",
                            d.dSeconds().get().amount() / calls, labels);
                }
            }
        }
        points.add("mysql_perf_schema_events_statements_digests", digests.size());
        points.add("mysql_perf_schema_events_statements_slow_count", digests.stream().filter(d -> d.mean() > slow).count());
        return points.build();
    }
}
