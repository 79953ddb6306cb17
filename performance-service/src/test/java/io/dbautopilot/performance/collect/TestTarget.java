package io.dbautopilot.performance.collect;

import io.dbautopilot.support.url.DatabaseUrl;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A target configuration built in a test, with the production defaults unless a test says otherwise. */
record TestTarget(DatabaseUrl url, Optional<String> username, Optional<String> password, Duration interval,
                  Duration queryTimeout, int maxConnections, Duration cycleBudget,
                  Optional<List<String>> includeDatabases, Optional<List<String>> excludeDatabases,
                  Optional<List<String>> disabledFamilies, Map<String, Duration> familyIntervals,
                  Optional<Double> busyConnectionRatio, Optional<Boolean> hostMetrics, Optional<String> dataDirectory) implements TargetsConfig.Target {

    static TestTarget of(String url) {
        return new TestTarget(DatabaseUrl.parse(url), Optional.of("monitor"), Optional.of("s3cret"), Duration.ofSeconds(15),
                Duration.ofSeconds(5), 3, Duration.ofSeconds(10), Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    TestTarget withDatabases(List<String> include, List<String> exclude) {
        return new TestTarget(url, username, password, interval, queryTimeout, maxConnections, cycleBudget,
                Optional.of(include), Optional.of(exclude), disabledFamilies, familyIntervals, busyConnectionRatio, hostMetrics,
                dataDirectory);
    }
}
