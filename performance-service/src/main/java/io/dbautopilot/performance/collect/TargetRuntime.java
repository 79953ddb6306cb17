package io.dbautopilot.performance.collect;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** What the collector remembers about one target between cycles: when each family last ran, counters, databases. */
public final class TargetRuntime {

    private final String id;
    private final TargetsConfig.Target config;
    private final CounterHistory counters = new CounterHistory();
    private final Map<String, Instant> lastRun = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastVisit = new ConcurrentHashMap<>();
    private final Set<String> reportedUnavailable = ConcurrentHashMap.newKeySet();
    private volatile List<String> databases = List.of();
    private volatile long lastCycleMs = -1;
    private volatile String dataDirectory;
    private final Semaphore extraConnections;
    private final IdleConnections<DatabaseConnection> idle;
    private volatile Map<String, Integer> databaseIndex = Map.of();
    private final StatementTurns turns = new StatementTurns();

    /**
     * Above this many databases, the first run of each per-database family in each database is spread evenly over
     * the family's interval (by the database's position in the list) instead of all landing in the first cycle.
     */
    static final int SPREAD_ABOVE = 16;

    TargetRuntime(String id, TargetsConfig.Target config) {
        this.id = id;
        this.config = config;
        // the collector's pooled server-wide connection is one of max-connections; the others are shared by the
        // collector's per-database visits and the advisors, so together they never exceed the cap
        this.extraConnections = new Semaphore(Math.max(1, config.maxConnections() - 1), true);
        this.dataDirectory = config.dataDirectory().orElse(null);
        this.idle = new IdleConnections<>(DatabaseConnection::close, extraConnections::release);
    }

    /** The configured target id. */
    public String id() {
        return id;
    }

    /** The target's configuration. */
    public TargetsConfig.Target config() {
        return config;
    }

    /** Turns of this target's relation listings (one at a time across its connections). */
    public StatementTurns turns() {
        return turns;
    }

    /** Counter history for rates and deltas. */
    public CounterHistory counters() {
        return counters;
    }

    /** Databases found in the last cycle that reached the server (after include/exclude filters). */
    public List<String> databases() {
        return databases;
    }

    /** Records the databases (schemas) found by a cycle that reached the server; forgets those gone. */
    public void databases(List<String> discovered) {
        List<String> gone = databases.stream().filter(d -> !discovered.contains(d)).toList();
        gone.forEach(d -> {
            counters.forget("db/" + d + "/");
            lastVisit.remove(d);
            lastRun.keySet().removeIf(k -> k.endsWith("@" + d));
        });
        databases = List.copyOf(discovered);
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < databases.size(); i++) {
            index.put(databases.get(i), i);
        }
        databaseIndex = index;
    }

    /** Duration of the previous cycle in milliseconds, or -1 before the first. */
    public long lastCycleMs() {
        return lastCycleMs;
    }

    /** Records the duration of a finished cycle. */
    public void lastCycleMs(long ms) {
        lastCycleMs = ms;
    }

    /** Data directory on this host, if configured or learnt from the server. */
    public String dataDirectory() {
        return dataDirectory;
    }

    void learnDataDirectory(String directory) {
        if (config.dataDirectory().isEmpty() && directory != null && !directory.isBlank()) {
            dataDirectory = directory;
        }
    }

    /**
     * Whether a family with this interval is due at {@code now}; half a tick of slack keeps a 30 s family on a
     * 15 s tick from slipping to every third tick.
     */
    public boolean due(String scheduleKey, Duration interval, Instant now) {
        Instant last = lastRun.get(scheduleKey);
        if (last == null) {
            last = firstRunPhase(scheduleKey, interval, now);
            if (last == null) {
                return true;
            }
        }
        Duration slack = config.interval().dividedBy(2);
        return !now.isBefore(last.plus(interval).minus(slack));
    }

    /**
     * For a per-database family seen for the first time in a target with many databases: a virtual last run that
     * makes database i of n first due {@code i/n} of the interval from now, on the tick grid (recorded, so it stays
     * put and then keeps the interval); null
     * when the family should simply run now.
     */
    private Instant firstRunPhase(String scheduleKey, Duration interval, Instant now) {
        int at = scheduleKey.indexOf('@');
        Map<String, Integer> index = databaseIndex;
        if (at < 0 || index.size() <= SPREAD_ABOVE) {
            return null;
        }
        Integer position = index.get(scheduleKey.substring(at + 1));
        if (position == null) {
            return null;
        }
        // shifted back by the half tick of slack in due(), so database i of n first runs at tick floor(i/n * ticks)
        long phaseMs = interval.toMillis() * position / index.size() - config.interval().toMillis() / 2;
        Instant virtual = now.minus(interval).plusMillis(phaseMs);
        Instant earlier = lastRun.putIfAbsent(scheduleKey, virtual);
        return earlier != null ? earlier : virtual;
    }

    /**
     * The databases with a per-database family due, the one waiting longest first: ordered by the oldest last run
     * (or first-due phase) among its due families, never-run first, so a database the budget left out leads the
     * next cycle.
     */
    List<String> oldestDueFirst(List<String> candidates, List<String> families,
                                java.util.function.BiPredicate<String, String> isDue) {
        Map<String, Instant> oldest = new java.util.HashMap<>();
        for (String db : candidates) {
            for (String family : families) {
                if (isDue.test(family, db)) {
                    oldest.merge(db, lastRun(scheduleKey(family, db)), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
        }
        // (putting databases with a kept connection first starves the others when an advisor holds a permit: fairness
        // wins; with more databases than permits, kept connections are evicted in turn)
        return candidates.stream().filter(oldest::containsKey)
                .sorted(java.util.Comparator.comparing(oldest::get)).toList();
    }

    /** When a family last ran (or was first due) under this key; {@link Instant#MIN} if never. */
    Instant lastRun(String scheduleKey) {
        return lastRun.getOrDefault(scheduleKey, Instant.MIN);
    }

    /** Records that a family ran (or was reported unavailable or failed) under this key. */
    public void ran(String scheduleKey, Instant at) {
        lastRun.put(scheduleKey, at);
    }

    /** Schedule key of a family: per database for per-database families, so each database keeps its own rhythm. */
    public static String scheduleKey(String family, String database) {
        return database == null ? family : family + "@" + database;
    }

    /** When per-database families last ran in a database ({@link Instant#MIN} if never). */
    Instant lastVisit(String database) {
        return lastVisit.getOrDefault(database, Instant.MIN);
    }

    void visited(String database, Instant at) {
        lastVisit.put(database, at);
    }

    /**
     * Takes one of the {@code max-connections - 1} connections beside the pooled one, if free now (closing an idle
     * per-database connection of the collector to free one if need be).
     */
    public boolean tryTakeConnection() {
        return extraConnections.tryAcquire() || (idle.evictOne() && extraConnections.tryAcquire());
    }

    /** Takes one of the connections beside the pooled one, waiting up to {@code wait}; false if none came free. */
    public boolean takeConnection(java.time.Duration wait) throws InterruptedException {
        if (extraConnections.tryAcquire()) {
            return true;
        }
        idle.evictOne();
        return extraConnections.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The idle connection to a database kept from an earlier visit, holding its permit, if any. */
    java.util.Optional<DatabaseConnection> idleConnection(String database) {
        return idle.take(database);
    }

    /** After a visit: keeps a healthy connection for the next visit (with its permit), else closes it and frees the permit. */
    void release(String database, DatabaseConnection connection, boolean healthy, Instant now) {
        if (healthy && connection.open()) {
            idle.keep(database, connection, now);
        } else {
            connection.close();
            extraConnections.release();
        }
    }

    /** Closes idle per-database connections unused for {@code maxIdle} or to databases no longer visited. */
    void expireIdle(Instant now, Duration maxIdle) {
        idle.expire(now, maxIdle, databaseIndex.keySet());
    }

    /** Closes every idle per-database connection (the target was released by this instance). */
    void closeIdleConnections() {
        idle.expire(Instant.now(), Duration.ZERO, java.util.List.of());
    }

    /** Number of idle per-database connections held open. */
    public int idleConnections() {
        return idle.size();
    }

    /** Gives back a connection taken with {@link #tryTakeConnection()} or {@link #takeConnection}. */
    public void returnConnection() {
        extraConnections.release();
    }

    /** True the first time a family is reported unavailable for a reason (so it is logged once, not every cycle). */
    public boolean firstUnavailable(String family, String reason) {
        return reportedUnavailable.add(family + ": " + reason);
    }
}
