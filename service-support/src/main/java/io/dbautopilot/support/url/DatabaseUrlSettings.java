package io.dbautopilot.support.url;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks every {@code autopilot.*} setting whose value is a database URL ({@code postgresql://}, {@code mysql://},
 * {@code redis://}… with or without {@code jdbc:}) when it is read, so a bad one fails the config load naming the
 * setting, e.g. {@code autopilot.databases.orders.url: credentials inside a database URL are refused}. The converter
 * alone cannot: SmallRye names the setting only for {@link IllegalArgumentException}s and then quotes the raw value,
 * which may hold a password; it does not name settings inside maps at all.
 */
@Priority(DatabaseUrlSettings.PRIORITY)
public class DatabaseUrlSettings implements ConfigSourceInterceptor {

    /** Outside the profile and expression interceptors, so it sees the final value ({@code ${host}} expanded). */
    public static final int PRIORITY = Priorities.APPLICATION;

    private static final Pattern DATABASE_URL = Pattern.compile(
            "(jdbc:)?(postgresql|postgres|mysql|mariadb|sqlite|redis|rediss)://.*", Pattern.DOTALL);

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null && value.getValue() != null && name.startsWith("autopilot.")
                && DATABASE_URL.matcher(value.getValue().trim().toLowerCase(Locale.ROOT)).matches()) {
            try {
                DatabaseUrl.parse(value.getValue());
            } catch (IllegalArgumentException e) {
                throw new DatabaseUrlConverter.InvalidDatabaseUrlException(name + ": " + e.getMessage());
            }
        }
        return value;
    }
}
