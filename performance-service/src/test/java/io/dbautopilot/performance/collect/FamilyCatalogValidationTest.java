package io.dbautopilot.performance.collect;

import io.dbautopilot.performance.collect.family.ActivityFamilyAccess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad collection settings fail at start-up naming the setting. */
class FamilyCatalogValidationTest {

    @Test
    void anUnknownFamilyInAnIntervalIsNamed() {
        TestTarget t = TestTarget.of("postgresql://db/x");
        TestTarget typo = new TestTarget(t.url(), t.username(), t.password(), t.interval(), t.queryTimeout(), t.maxConnections(),
                t.cycleBudget(), t.includeDatabases(), t.excludeDatabases(), t.disabledFamilies(),
                Map.of("tabels", Duration.ofMinutes(1)), t.busyConnectionRatio(), t.hostMetrics(), t.dataDirectory());
        var e = assertThrows(IllegalArgumentException.class, () -> catalog(typo).validate());
        assertEquals("autopilot.targets.orders.family-intervals.tabels names unknown family 'tabels'; known families: "
                + "[activity, host]", e.getMessage());
    }

    @Test
    void tooFewConnectionsAreNamed() {
        TestTarget t = TestTarget.of("postgresql://db/x");
        TestTarget one = new TestTarget(t.url(), t.username(), t.password(), t.interval(), t.queryTimeout(), 1,
                t.cycleBudget(), t.includeDatabases(), t.excludeDatabases(), t.disabledFamilies(), t.familyIntervals(),
                t.busyConnectionRatio(), t.hostMetrics(), t.dataDirectory());
        var e = assertThrows(IllegalArgumentException.class, () -> catalog(one).validate());
        assertEquals(true, e.getMessage().startsWith("autopilot.targets.orders.max-connections must be at least 2"),
                e.getMessage());
    }

    @Test
    void aRatioOutOfRangeIsNamed() {
        TestTarget t = TestTarget.of("postgresql://db/x");
        TestTarget bad = new TestTarget(t.url(), t.username(), t.password(), t.interval(), t.queryTimeout(),
                t.maxConnections(), t.cycleBudget(), t.includeDatabases(), t.excludeDatabases(), t.disabledFamilies(),
                t.familyIntervals(), Optional.of(1.5), t.hostMetrics(), t.dataDirectory());
        var e = assertThrows(IllegalArgumentException.class, () -> catalog(bad).validate());
        assertEquals("autopilot.targets.orders.busy-connection-ratio must be in (0, 1] but was 1.5", e.getMessage());
    }

    private static FamilyCatalog catalog(TestTarget target) {
        TargetsConfig config = new TargetsConfig() {
            @Override
            public Map<String, Target> targets() {
                return Map.of("orders", target);
            }

            @Override
            public Collection collection() {
                return new Collection() {
                    @Override
                    public Map<String, Duration> familyIntervals() {
                        return Map.of();
                    }

                    @Override
                    public double busyConnectionRatio() {
                        return 0.9;
                    }

                    @Override
                    public int busyActiveBackends() {
                        return 0;
                    }

                    @Override
                    public int statementsTopN() {
                        return 25;
                    }

                    @Override
                    public Duration slowStatementMean() {
                        return Duration.ofMillis(100);
                    }

                    @Override
                    public int oldestTables() {
                        return 10;
                    }

                    @Override
                    public Duration relationCacheMaxAge() {
                        return Duration.ofHours(1);
                    }

                    @Override
                    public Duration publishTimeout() {
                        return Duration.ofSeconds(30);
                    }
                };
            }
        };
        return new FamilyCatalog(List.of(ActivityFamilyAccess.create()), config);
    }
}
