package io.dbautopilot.automation.backup;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Chain-aware retention: chains go whole, a full stays while a kept backup depends on it, broken chains go. */
class RetentionPlanTest {

    private final Instant now = Instant.parse("2026-11-22T12:00:00Z");
    private final List<Backup> backups = new ArrayList<>();

    private Backup add(BackupType type, Backup parent, Duration age) {
        Backup b = new Backup(UUID.randomUUID(), "db", "db", type, EngineKind.PG_BASEBACKUP, BackupStatus.COMPLETED, null,
                null, null, parent == null ? null : parent.backupId(), "/x", 1L, 1L, null, null, null, null, null, null,
                null, null, null, now.minus(age), now.minus(age), null, null, null, null);
        backups.add(b);
        return b;
    }

    @Test
    void theOldestChainsBeyondTheCountGoWhole() {
        Backup f1 = add(BackupType.FULL, null, Duration.ofDays(10));
        Backup i1 = add(BackupType.INCREMENTAL, f1, Duration.ofDays(9));
        Backup d1 = add(BackupType.DIFFERENTIAL, f1, Duration.ofDays(8));
        Backup i2 = add(BackupType.INCREMENTAL, i1, Duration.ofDays(8));
        Backup f2 = add(BackupType.FULL, null, Duration.ofDays(7));
        Backup i3 = add(BackupType.INCREMENTAL, f2, Duration.ofDays(6));
        Backup f3 = add(BackupType.FULL, null, Duration.ofDays(1));
        Set<UUID> out = RetentionPlan.expire(backups, 2, Optional.empty(), now);
        assertEquals(Set.of(f1.backupId(), i1.backupId(), d1.backupId(), i2.backupId()), out);
        assertEquals(Set.of(), RetentionPlan.expire(backups, 3, Optional.empty(), now));
        assertEquals(Set.of(f1.backupId(), i1.backupId(), d1.backupId(), i2.backupId(), f2.backupId(), i3.backupId()),
                RetentionPlan.expire(backups, 1, Optional.empty(), now));
        // f3 is the only one younger than 2 days: the others go by age, but the newest full always stays
        assertEquals(6, RetentionPlan.expire(backups, 5, Optional.of(Duration.ofDays(2)), now).size());
        assertEquals(Set.of(), RetentionPlan.expire(List.of(f3), 1, Optional.of(Duration.ofHours(1)), now));
    }

    @Test
    void aBackupWhoseParentIsGoneIsExpiredNeverKeptWithoutItsFull() {
        Backup f1 = add(BackupType.FULL, null, Duration.ofDays(3));
        Backup orphanParent = new Backup(UUID.randomUUID(), "db", "db", BackupType.FULL, EngineKind.PG_BASEBACKUP,
                BackupStatus.EXPIRED, null, null, null, null, null, 1L, 1L, null, null, null, null, null, null, null, null, null,
                now, now, null, null, null, null);
        Backup orphan = add(BackupType.INCREMENTAL, orphanParent, Duration.ofDays(2));
        assertEquals(Set.of(orphan.backupId()), RetentionPlan.expire(backups, 2, Optional.empty(), now));
        assertEquals(Set.of(), RetentionPlan.expire(List.of(f1), 1, Optional.empty(), now));
    }
}
