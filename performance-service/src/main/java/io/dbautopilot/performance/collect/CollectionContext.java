package io.dbautopilot.performance.collect;

import java.time.Instant;

/**
 * What a family may know about the cycle it runs in.
 *
 * @param targetId      configured target id
 * @param database      database the client is connected to (the family's database for per-database families)
 * @param serverVersion {@code server_version_num}, e.g. 150004
 * @param inRecovery    whether the server is a standby
 * @param epoch         identifies this life of the server (postmaster start), so counters restart cleanly
 * @param cycleStart    when the cycle started
 * @param counters      counter history of this target, for rates and per-interval deltas
 * @param settings      collection settings shared by all targets
 * @param turns         the target's turns for relation listings (null: statements run at once)
 * @param visit         what the families of this visit to {@code database} share (null: nothing is shared)
 * @param databases     the target's database filter: whose rows of cluster-wide families it owns (null: all)
 */
public record CollectionContext(String targetId, String database, int serverVersion, boolean inRecovery,
                                String epoch, Instant cycleStart, CounterHistory counters, TargetsConfig.Collection settings,
                                StatementTurns turns, DatabaseVisit visit, DatabaseFilter databases) {

    /** The same context for a visit to another database of the target. */
    public CollectionContext forDatabase(String otherDatabase) {
        return new CollectionContext(targetId, otherDatabase, serverVersion, inRecovery, epoch, cycleStart, counters, settings,
                turns, new DatabaseVisit(), databases);
    }

    /** Whether the target owns this database's rows of cluster-wide families ({@link DatabaseFilter#owns}). */
    public boolean owns(String database) {
        return databases == null || databases.owns(database);
    }
}
