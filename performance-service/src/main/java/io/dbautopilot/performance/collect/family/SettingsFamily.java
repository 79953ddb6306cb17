package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code settings} family: every numeric and boolean setting as {@code pg_settings_<name>}, memory in bytes
 * ({@code _bytes}) and time in seconds ({@code _seconds}) as postgres_exporter does, plus whether a restart is
 * pending.
 */
@ApplicationScoped
public class SettingsFamily extends SqlFamily {
    public SettingsFamily() {
        super("settings", FamilyScope.SERVER, Duration.ofHours(1), false);
    }

    static final String SQL = """
            SELECT name, setting, coalesce(unit, '') AS unit, vartype, pending_restart
              FROM pg_settings
             WHERE vartype IN ('integer', 'real', 'bool')""";

    private static final Pattern UNIT = Pattern.compile("(\\d*)\\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)");

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int pending = 0;
        for (Row r : results.get(0)) {
            String name = "pg_settings_" + r.getString("name").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            String setting = r.getString("setting");
            if (Boolean.TRUE.equals(r.getBoolean("pending_restart"))) {
                pending++;
            }
            if ("bool".equals(r.getString("vartype"))) {
                points.add(name, "on".equals(setting));
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(setting);
            } catch (NumberFormatException e) {
                continue;
            }
            Converted c = convert(value, r.getString("unit"));
            points.add(name + c.suffix(), c.value());
        }
        points.add("pg_settings_pending_restart_count", pending);
    }

    /** Converts a setting in its pg_settings unit to bytes or seconds (-1 and 0 keep their meaning). */
    static Converted convert(double value, String unit) {
        Matcher m = UNIT.matcher(unit);
        if (unit.isEmpty() || !m.matches()) {
            return new Converted(value, "");
        }
        double factor = m.group(1).isEmpty() ? 1 : Double.parseDouble(m.group(1));
        boolean special = value < 0;
        return switch (m.group(2)) {
            case "B" -> new Converted(special ? value : value * factor, "_bytes");
            case "kB" -> new Converted(special ? value : value * factor * 1024, "_bytes");
            case "MB" -> new Converted(special ? value : value * factor * 1024 * 1024, "_bytes");
            case "GB" -> new Converted(special ? value : value * factor * 1024 * 1024 * 1024, "_bytes");
            case "TB" -> new Converted(special ? value : value * factor * 1024 * 1024 * 1024 * 1024, "_bytes");
            case "us" -> new Converted(special ? value : value * factor / 1_000_000, "_seconds");
            case "ms" -> new Converted(special ? value : value * factor / 1000, "_seconds");
            case "s" -> new Converted(special ? value : value * factor, "_seconds");
            case "min" -> new Converted(special ? value : value * factor * 60, "_seconds");
            case "h" -> new Converted(special ? value : value * factor * 3600, "_seconds");
            case "d" -> new Converted(special ? value : value * factor * 86400, "_seconds");
            default -> new Converted(value, "");
        };
    }

    /** A setting's value in base units and the name suffix that says which. */
    record Converted(double value, String suffix) {
    }
}
