package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * {@code SHOW GLOBAL VARIABLES} as {@code mysql_global_variables_<name>} (numbers, ON/OFF as 1/0) and
 * {@code mysql_version_info{version, version_comment}} = 1, as mysqld_exporter names them.
 */
@ApplicationScoped
public class GlobalVariablesFamily implements MySqlFamily {

    @Override
    public String name() {
        return "global_variables";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query("SHOW GLOBAL VARIABLES").execute().map(rows -> {
            PointsBuilder points = new PointsBuilder();
            for (Row r : rows) {
                Number value = MySqlValues.setting(r.getValue(1));
                if (value != null) {
                    points.add("mysql_global_variables_" + MySqlValues.metricPart(MySqlValues.text(r.getValue(0))), value);
                }
            }
            points.add("mysql_version_info", 1, "version", context.probe().version(), "version_comment",
                    String.valueOf(context.probe().versionComment()));
            return points.build();
        });
    }
}
