package io.dbautopilot.automation.tune;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tune's value checked against the setting's {@code pg_settings} row the way the server would read it (type, unit,
 * range, context), rendered as the literal {@code ALTER SYSTEM SET} gets and as {@code pg_settings.setting} will show it.
 *
 * @param literal  the value for {@code ALTER SYSTEM SET} (e.g. {@code 65536kB}); only digits, a sign, a point, letters
 * @param expected what {@code pg_settings.setting} shows once it applies (in the setting's unit, e.g. {@code 65536})
 */
public record SettingValue(String literal, String expected) {

    private static final Pattern NUMBER = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z]+)?\\s*");
    private static final Pattern UNIT = Pattern.compile("(\\d+)?\\s*([A-Za-z]+)");
    private static final Map<String, Double> MEMORY = Map.of("B", 1.0, "kB", 1024.0, "MB", 1024.0 * 1024,
            "GB", 1024.0 * 1024 * 1024, "TB", 1024.0 * 1024 * 1024 * 1024);
    private static final Map<String, Double> TIME = Map.of("us", 1.0, "ms", 1e3, "s", 1e6, "min", 60e6,
            "h", 3600e6, "d", 86400e6);

    /** Why a value or setting is refused, worded for the API caller. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Checks that a tune may set {@code s} to {@code value}: not a restart-only setting (only recommended), in the
     * allowed list, changeable by a reload, and a value of its type within its range.
     */
    public static SettingValue check(PgSetting s, String value, List<String> allowed) throws Refused {
        if (s.needsRestart()) {
            throw new Refused("setting '" + s.name() + "' needs a restart of PostgreSQL (pg_settings.context is "
                    + "postmaster): it is only recommended, a tune never applies it");
        }
        if (allowed.stream().map(String::trim).noneMatch(s.name()::equals)) {
            throw new Refused("setting '" + s.name() + "' is not one a tune may change (autopilot.tune.allowed-settings: "
                    + String.join(", ", allowed) + ")");
        }
        if (!s.reloadable()) {
            throw new Refused("setting '" + s.name() + "' has context " + s.context() + "; a tune changes only settings "
                    + "a reload applies (context sighup or user)");
        }
        if (value == null || value.isBlank()) {
            throw new Refused("field 'value' is required: the new value of " + s.name() + " (now " + s.display() + ")");
        }
        if (value.length() > 40) {
            throw new Refused("field 'value' is too long for a value of " + s.name());
        }
        return switch (s.vartype()) {
            case "bool" -> bool(s, value);
            case "enum" -> enumValue(s, value);
            case "integer", "real" -> number(s, value);
            default -> throw new Refused("setting '" + s.name() + "' is of type " + s.vartype()
                    + ", which a tune does not set");
        };
    }

    private static SettingValue bool(PgSetting s, String value) throws Refused {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (List.of("on", "true", "yes", "1").contains(v)) {
            return new SettingValue("on", "on");
        }
        if (List.of("off", "false", "no", "0").contains(v)) {
            return new SettingValue("off", "off");
        }
        throw new Refused("field 'value': '" + value + "' is not a boolean (on or off) for " + s.name());
    }

    private static SettingValue enumValue(PgSetting s, String value) throws Refused {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!s.enumVals().contains(v)) {
            throw new Refused("field 'value': '" + value + "' is not one of " + String.join(", ", s.enumVals())
                    + " for " + s.name());
        }
        return new SettingValue(v, v);
    }

    private static SettingValue number(PgSetting s, String value) throws Refused {
        Matcher m = NUMBER.matcher(value);
        if (!m.matches()) {
            throw new Refused("field 'value': '" + value + "' is not a number with an optional unit for " + s.name()
                    + (s.unit() == null ? "" : " (e.g. " + s.setting() + s.unit() + ")"));
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String unit = m.group(2);
        Optional<Unit> base = Unit.of(s.unit());
        BigDecimal inSettingUnits;
        if (unit == null) {
            inSettingUnits = number;
        } else {
            if (base.isEmpty()) {
                throw new Refused("field 'value': " + s.name() + " takes no unit, got '" + unit + "'");
            }
            Double factor = base.get().table().get(unit);
            if (factor == null) {
                throw new Refused("field 'value': unit '" + unit + "' does not fit " + s.name() + " (valid units: "
                        + String.join(", ", base.get().table().keySet().stream().sorted().toList()) + ")");
            }
            inSettingUnits = number.multiply(BigDecimal.valueOf(factor))
                    .divide(BigDecimal.valueOf(base.get().factor()), 6, java.math.RoundingMode.HALF_EVEN);
        }
        if ("integer".equals(s.vartype())) {
            if (unit == null && inSettingUnits.stripTrailingZeros().scale() > 0) {
                throw new Refused("field 'value': " + s.name() + " takes a whole number, got '" + value + "'");
            }
            inSettingUnits = inSettingUnits.setScale(0, java.math.RoundingMode.HALF_EVEN);
        }
        range(s, inSettingUnits, value);
        BigDecimal checked = inSettingUnits;
        String plain = checked.stripTrailingZeros().toPlainString();
        String literal = base.map(b -> checked.multiply(BigDecimal.valueOf(b.multiplier()))
                .stripTrailingZeros().toPlainString() + b.name()).orElse(plain);
        return new SettingValue(literal, plain);
    }

    private static void range(PgSetting s, BigDecimal v, String value) throws Refused {
        BigDecimal min = s.minVal() == null ? null : new BigDecimal(s.minVal());
        BigDecimal max = s.maxVal() == null ? null : new BigDecimal(s.maxVal());
        if ((min != null && v.compareTo(min) < 0) || (max != null && v.compareTo(max) > 0)) {
            String unit = s.unit() == null ? "" : " " + s.unit();
            throw new Refused("field 'value': '" + value + "' (" + v.stripTrailingZeros().toPlainString() + unit
                    + ") is outside the range of " + s.name() + ": " + s.minVal() + " .. " + s.maxVal() + unit);
        }
    }

    /** A pg_settings unit such as {@code 8kB}: a multiplier of a base unit of memory or time. */
    private record Unit(long multiplier, String name, Map<String, Double> table) {

        static Optional<Unit> of(String unit) {
            if (unit == null) {
                return Optional.empty();
            }
            Matcher m = UNIT.matcher(unit.trim());
            if (!m.matches()) {
                return Optional.empty();
            }
            long multiplier = m.group(1) == null ? 1 : Long.parseLong(m.group(1));
            String name = m.group(2);
            Map<String, Double> table = MEMORY.containsKey(name) ? MEMORY : TIME.containsKey(name) ? TIME : null;
            return table == null ? Optional.empty() : Optional.of(new Unit(multiplier, name, table));
        }

        double factor() {
            return multiplier * table.get(name);
        }
    }
}
