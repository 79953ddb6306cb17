package io.dbautopilot.automation.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Which backups retention removes, chain-aware: chains are rooted in a full (or logical) backup; the newest
 * {@code keepFull} roots are kept, and with an age limit a root older than it goes as long as a newer root stays;
 * a root goes together with every backup that depends on it, so a differential or incremental backup is never
 * kept without its full, and a full is never removed while a kept backup depends on it.
 */
public final class RetentionPlan {

    private RetentionPlan() {
    }

    /** The ids to expire among {@code backups} (completed backups of one database and engine). */
    public static Set<UUID> expire(List<Backup> backups, int keepFull, Optional<Duration> maxAge, Instant now) {
        Map<UUID, Backup> byId = new HashMap<>();
        backups.forEach(b -> byId.put(b.backupId(), b));
        List<Backup> roots = new ArrayList<>(backups.stream().filter(b -> b.parentId() == null).toList());
        roots.sort(Comparator.comparing(Backup::createdAt).reversed());
        Set<UUID> expiredRoots = new HashSet<>();
        for (int i = 0; i < roots.size(); i++) {
            Backup root = roots.get(i);
            boolean beyondCount = i >= Math.max(1, keepFull);
            boolean beyondAge = i > 0 && maxAge.isPresent() && root.createdAt().isBefore(now.minus(maxAge.get()));
            if (beyondCount || beyondAge) {
                expiredRoots.add(root.backupId());
            }
        }
        Set<UUID> out = new LinkedHashSet<>();
        for (Backup b : backups) {
            Optional<UUID> root = rootOf(b, byId);
            // a backup whose chain is broken (parent missing) cannot be restored: it goes too
            if (root.isEmpty() || expiredRoots.contains(root.get())) {
                out.add(b.backupId());
            }
        }
        return out;
    }

    private static Optional<UUID> rootOf(Backup b, Map<UUID, Backup> byId) {
        Backup current = b;
        for (int guard = 0; guard < 10_000; guard++) {
            if (current.parentId() == null) {
                return Optional.of(current.backupId());
            }
            current = byId.get(current.parentId());
            if (current == null) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
