package io.dbautopilot.automation.database;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;

import java.time.Duration;
import java.util.Map;

/** The service's real {@code @ConfigMapping}s built from plain settings, with the converters Quarkus registers, for plain JUnit tests. */
public final class MappedSettings {

    private MappedSettings() {
    }

    /** Builds {@code mappings} from {@code settings}; a bad value throws as at the service's start. */
    public static SmallRyeConfig of(Map<String, String> settings, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withSources(new MapBackedConfigSource("test", settings) {
                })
                .addDiscoveredConverters() // the DatabaseUrl converter, registered as Quarkus finds it
                .addDefaultInterceptors() // profiles and ${expressions}, as in the services
                .addDiscoveredInterceptors() // DatabaseUrlSettings, as Quarkus finds it
                .withConverter(Duration.class, 100, new DurationConverter())
                .withValidateUnknown(false);
        for (Class<?> m : mappings) {
            builder.withMapping(m);
        }
        return builder.build();
    }
}
