package io.dbautopilot.automation.redis;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * {@code MEMORY PURGE} on a Redis target (jemalloc returns its dirty pages to the system), verified by
 * {@code mem_fragmentation_ratio} from {@code INFO memory} falling; the outcome carries the ratio and RSS before and
 * after. The server samples its RSS in its cron (10 times a second by default), so the "after" is read until it moves,
 * for at most five seconds.
 */
@ApplicationScoped
public class RedisMemoryExecutor implements OperationExecutor {

    private static final Duration SETTLE_POLL = Duration.ofMillis(250);
    private static final int SETTLE_POLLS = 20;

    private final RedisConnections redis;

    public RedisMemoryExecutor(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public Set<OperationType> types() {
        return Set.of(OperationType.MEMORY_PURGE);
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.REDIS);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        try (RedisSession s = redis.open(op.targetId())) {
            Map<String, String> before = s.info("memory");
            String allocator = before.getOrDefault("mem_allocator", "unknown");
            if (!allocator.startsWith("jemalloc")) {
                return new Outcome.Failed("MEMORY PURGE only returns memory with jemalloc; this server uses " + allocator
                        + ": not run", Map.of("mem_allocator", allocator));
            }
            double ratioBefore = number(before, "mem_fragmentation_ratio");
            long rssBefore = (long) number(before, "used_memory_rss");
            s.send("MEMORY", "PURGE");
            Map<String, String> after = s.info("memory");
            for (int i = 1; i < SETTLE_POLLS && (long) number(after, "used_memory_rss") == rssBefore
                    && Retry.sleep(SETTLE_POLL, ctx::stopRequested); i++) {
                after = s.info("memory");
            }
            double ratioAfter = number(after, "mem_fragmentation_ratio");
            Map<String, Object> effect = new LinkedHashMap<>();
            effect.put("mem_fragmentation_ratio_before", ratioBefore);
            effect.put("mem_fragmentation_ratio_after", ratioAfter);
            effect.put("used_memory_rss_before", rssBefore);
            effect.put("used_memory_rss_after", (long) number(after, "used_memory_rss"));
            effect.put("used_memory_after", (long) number(after, "used_memory"));
            effect.put("mem_fragmentation_bytes_before", (long) number(before, "mem_fragmentation_bytes"));
            effect.put("mem_fragmentation_bytes_after", (long) number(after, "mem_fragmentation_bytes"));
            effect.put("mem_allocator", allocator);
            return verified(ratioAfter < ratioBefore, "MEMORY PURGE", effect, "mem_fragmentation_ratio did not fall ("
                    + ratioBefore + " -> " + ratioAfter + "): the fragmentation is inside pages still in use (active "
                    + "defragmentation, activedefrag yes, or a restart returns it)");
        } catch (RuntimeException e) {
            return new Outcome.Failed("MEMORY PURGE on '" + op.targetId() + "' failed: " + e.getMessage(), Map.of());
        }
    }

    /** A numeric INFO field, NaN when absent. */
    static double number(Map<String, String> info, String field) {
        try {
            return Double.parseDouble(info.getOrDefault(field, "NaN"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
