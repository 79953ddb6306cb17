package io.dbautopilot.automation.redis;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * {@code terminate_idle} on a Redis target: {@code CLIENT KILL} of normal clients idle for longer than the policy's
 * limit. Never this connection, this project's own clients (name {@code db-autopilot-*}), replicas and masters (flags
 * {@code S} / {@code M}), pub/sub subscribers (their idleness is waiting for messages), blocked clients ({@code b},
 * waiting in {@code BLPOP} and the like) or monitors ({@code O}). Each client is re-checked by {@code CLIENT LIST ID}
 * just before the kill (same address, at least as old, still idle past the limit) and killed with
 * {@code CLIENT KILL ID <id> ADDR <addr>}, so a reused id cannot be hit; verified by the clients being gone.
 */
@ApplicationScoped
public class RedisClientExecutor implements OperationExecutor {

    private final RedisConnections redis;

    public RedisClientExecutor(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public Set<OperationType> types() {
        return Set.of(OperationType.TERMINATE_IDLE);
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.REDIS);
    }

    /** One line of {@code CLIENT LIST}: its {@code key=value} fields. */
    record Client(Map<String, String> fields) {
        long id() {
            return Long.parseLong(fields.getOrDefault("id", "-1"));
        }

        String addr() {
            return fields.getOrDefault("addr", "");
        }

        long age() {
            return Long.parseLong(fields.getOrDefault("age", "0"));
        }

        long idle() {
            return Long.parseLong(fields.getOrDefault("idle", "0"));
        }

        String flags() {
            return fields.getOrDefault("flags", "");
        }

        /** Why this client is never killed, empty when it may be. */
        Optional<String> protectedBecause(long own) {
            if (id() == own) {
                return Optional.of("this operation's own connection");
            }
            if (fields.getOrDefault("name", "").startsWith("db-autopilot")) {
                return Optional.of("a client of this project (" + fields.get("name") + ")");
            }
            String f = flags();
            if (f.contains("S") || f.contains("M")) {
                return Optional.of("replication (flags " + f + ")");
            }
            if (f.contains("P") || !"0".equals(fields.getOrDefault("sub", "0"))
                    || !"0".equals(fields.getOrDefault("psub", "0")) || !"0".equals(fields.getOrDefault("ssub", "0"))) {
                return Optional.of("a pub/sub subscriber");
            }
            if (f.contains("b")) {
                return Optional.of("blocked in " + fields.getOrDefault("cmd", "a blocking command"));
            }
            if (f.contains("O")) {
                return Optional.of("a MONITOR client");
            }
            return Optional.empty();
        }

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", id());
            v.put("addr", addr());
            v.put("name", fields.getOrDefault("name", ""));
            v.put("user", fields.getOrDefault("user", ""));
            v.put("age_seconds", age());
            v.put("idle_seconds", idle());
            v.put("last_command", fields.getOrDefault("cmd", ""));
            return v;
        }
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        if (!(op.parameters().get("limit_seconds") instanceof Number limitValue)) {
            return new Outcome.Failed("operation has no limit_seconds parameter", Map.of());
        }
        long limit = limitValue.longValue();
        try (RedisSession s = redis.open(op.targetId())) {
            long own = s.clientId();
            List<Map<String, Object>> acted = new ArrayList<>();
            List<Client> killed = new ArrayList<>();
            int spared = 0;
            for (Client c : parse(s.send("CLIENT", "LIST", "TYPE", "normal"))) {
                if (c.idle() < limit) {
                    continue;
                }
                Optional<String> keep = c.protectedBecause(own);
                if (keep.isPresent()) {
                    spared++;
                    continue;
                }
                if (ctx.stopRequested()) {
                    break;
                }
                Map<String, Object> v = c.view();
                Optional<String> skip = recheck(c, parse(s.send("CLIENT", "LIST", "ID", c.id())).stream().findFirst(),
                        limit, own);
                boolean done = false;
                if (skip.isEmpty()) {
                    done = s.send("CLIENT", "KILL", "ID", c.id(), "ADDR", c.addr(), "SKIPME", "yes").toLong() == 1;
                } else {
                    v.put("skipped", skip.get());
                }
                v.put("killed", done);
                if (done) {
                    killed.add(c);
                }
                acted.add(v);
            }
            long remaining = 0;
            for (Client c : killed) {
                remaining += parse(s.send("CLIENT", "LIST", "ID", c.id())).stream()
                        .filter(x -> x.addr().equals(c.addr())).count();
            }
            Map<String, Object> effect = new LinkedHashMap<>();
            effect.put("limit_seconds", limit);
            effect.put("clients", acted);
            effect.put("clients_spared_idle", spared);
            effect.put("clients_still_connected", remaining);
            return verified(remaining == 0, "CLIENT KILL ID <id> ADDR <addr> of clients idle for over " + limit + " s",
                    effect, remaining + " killed client(s) are still connected");
        } catch (RuntimeException e) {
            return new Outcome.Failed("CLIENT KILL on '" + op.targetId() + "' failed: " + e.getMessage(), Map.of());
        }
    }

    /**
     * Why a client listed as idle past the limit must not be killed after all, from its {@code CLIENT LIST ID} line
     * read just before the kill (empty: kill it): gone, another connection under a reused id (other address, or
     * younger than when listed), active again, or become protected (subscribed, blocked, renamed to ours).
     */
    static Optional<String> recheck(Client listed, Optional<Client> now, long limit, long own) {
        if (now.isEmpty()) {
            return Optional.of("gone before the re-check");
        }
        Client c = now.get();
        if (!c.addr().equals(listed.addr()) || c.age() < listed.age()) {
            return Optional.of("id " + listed.id() + " is another connection at the re-check (" + c.addr() + ", age "
                    + c.age() + " s)");
        }
        if (c.idle() < limit) {
            return Optional.of("active again at the re-check (idle " + c.idle() + " s)");
        }
        return c.protectedBecause(own).map(why -> "protected at the re-check: " + why);
    }

    /** The clients of a {@code CLIENT LIST} answer (one line per client, {@code key=value} fields). */
    static List<Client> parse(Response r) {
        return r == null ? new ArrayList<>() : parse(r.toString());
    }

    /** The clients of {@code CLIENT LIST} text. */
    static List<Client> parse(String text) {
        List<Client> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> f = new LinkedHashMap<>();
            for (String part : line.trim().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            out.add(new Client(f));
        }
        return out;
    }
}
