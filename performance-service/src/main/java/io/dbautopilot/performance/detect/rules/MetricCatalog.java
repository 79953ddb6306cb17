package io.dbautopilot.performance.detect.rules;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The metric names the collectors emit ({@code metrics-catalog.txt}); a trailing {@code *} matches a prefix. */
@ApplicationScoped
public class MetricCatalog {

    /** Classpath resource of the catalog. */
    public static final String RESOURCE = "metrics-catalog.txt";

    private final Set<String> names;
    private final List<String> prefixes;

    @Inject
    public MetricCatalog() {
        this(read());
    }

    /** A catalog of the given entries (lines of the catalog file). */
    public MetricCatalog(List<String> entries) {
        List<String> clean = entries.stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        this.names = clean.stream().filter(l -> !l.endsWith("*")).collect(Collectors.toUnmodifiableSet());
        this.prefixes = clean.stream().filter(l -> l.endsWith("*")).map(l -> l.substring(0, l.length() - 1)).toList();
    }

    /** Whether a metric of this name is emitted. */
    public boolean contains(String name) {
        return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
    }

    private static List<String> read() {
        try (InputStream in = MetricCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
