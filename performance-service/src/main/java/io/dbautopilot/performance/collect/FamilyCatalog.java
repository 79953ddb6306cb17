package io.dbautopilot.performance.collect;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Every PostgreSQL metric family, and each family's effective interval and enablement per target (any engine). */
@ApplicationScoped
public class FamilyCatalog {

    /** Name of the host family (OSHI, not SQL). */
    public static final String HOST = "host";

    private final List<MetricFamily> families;
    private final TargetsConfig config;

    @jakarta.inject.Inject
    public FamilyCatalog(Instance<MetricFamily> families, TargetsConfig config) {
        this(families.stream().toList(), config);
    }

    FamilyCatalog(List<MetricFamily> families, TargetsConfig config) {
        this.families = families.stream().sorted(Comparator.comparing(MetricFamily::name)).toList();
        this.config = config;
    }

    /** All families of a scope. */
    public List<MetricFamily> of(FamilyScope scope) {
        return families.stream().filter(f -> f.scope() == scope).toList();
    }

    /** Every family name, the host family included. */
    public Set<String> names() {
        Set<String> names = families.stream().map(MetricFamily::name).collect(Collectors.toCollection(TreeSet::new));
        names.add(HOST);
        return names;
    }

    /** The interval of a family for a target: target override, then global override, then the family's default. */
    public Duration interval(TargetsConfig.Target target, String family, Duration familyDefault) {
        Duration own = target.familyIntervals().get(family);
        if (own != null) {
            return own;
        }
        return config.collection().familyIntervals().getOrDefault(family, familyDefault);
    }

    /** Whether a family is switched off for a target. */
    public boolean disabled(TargetsConfig.Target target, String family) {
        return target.disabledFamilies().orElse(List.of()).contains(family);
    }

    /** Fails naming the setting when configuration mentions a family that does not exist or a nonsensical value. */
    public void validate() {
        Set<String> known = names();
        check("autopilot.collection.family-intervals", config.collection().familyIntervals(), known);
        config.targets().forEach((id, target) -> {
            String prefix = "autopilot.targets." + id;
            if (!target.url().isPostgres()) {
                return; // another engine's families: its collector's names (CollectionScheduler checks them)
            }
            check(prefix + ".family-intervals", target.familyIntervals(), known);
            for (String f : target.disabledFamilies().orElse(List.of())) {
                if (!known.contains(f)) {
                    throw new IllegalArgumentException(prefix + ".disabled-families names unknown family '" + f
                            + "'; known families: " + known);
                }
            }
            if (target.maxConnections() < 2) {
                throw new IllegalArgumentException(prefix + ".max-connections must be at least 2 (one connection "
                        + "for server-wide statistics, one for per-database statistics) but was "
                        + target.maxConnections());
            }
            requirePositive(prefix + ".interval", target.interval());
            requirePositive(prefix + ".query-timeout", target.queryTimeout());
            requirePositive(prefix + ".cycle-budget", target.cycleBudget());
        });
        checkRatio("autopilot.collection.busy-connection-ratio", config.collection().busyConnectionRatio());
        config.targets().forEach((id, target) -> target.busyConnectionRatio().ifPresent(
                ratio -> checkRatio("autopilot.targets." + id + ".busy-connection-ratio", ratio)));
    }

    private static void checkRatio(String setting, double ratio) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException(setting + " must be in (0, 1] but was " + ratio);
        }
    }

    private static void check(String setting, Map<String, Duration> intervals, Set<String> known) {
        intervals.forEach((family, interval) -> {
            if (!known.contains(family)) {
                throw new IllegalArgumentException(setting + "." + family + " names unknown family '" + family
                        + "'; known families: " + known);
            }
            requirePositive(setting + "." + family, interval);
        });
    }

    private static void requirePositive(String setting, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(setting + " must be a positive duration but was " + value);
        }
    }
}
