package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Topics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import static io.dbautopilot.deploy.ReliabilitySuiteTest.AUTOMATION;

/**
 * Follows the closed-loop drill's conditions (scenario 10, every engine) through the normal path: for each, the
 * operation the automation service requested for it, whether it succeeded with its verified effect (the
 * {@code succeeded} event carries {@code details.effect}) and whether the condition is gone; reports each with its
 * time to remediate, and checks that nothing else was requested on the drill's targets.
 */
final class DrillFollower {

    private static final Duration PATIENCE = Duration.ofMinutes(4);

    private DrillFollower() {
    }

    /** One condition of the drill: its target, which operation remediates it, and how its end is seen. */
    record Condition(String target, String name, String operationType, String objectPart, Callable<Boolean> gone) {
    }

    /** What became of one condition. */
    record Outcome(Condition condition, Instant made, JsonNode operation, boolean effect, boolean gone) {
    }

    /** Polls every condition until its operation succeeded with its effect and the condition is gone, or time ran out. */
    static List<Outcome> follow(Map<Condition, Instant> made, Instant drillStart, String exclude) throws Exception {
        Map<Condition, Outcome> done = new LinkedHashMap<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            boolean last = System.nanoTime() >= deadline;
            Map<String, JsonNode> operations = new TreeMap<>();
            for (Condition c : made.keySet()) {
                operations.computeIfAbsent(c.target(), DrillFollower::operationsOrEmpty);
            }
            for (Map.Entry<Condition, Instant> e : made.entrySet()) {
                Condition c = e.getKey();
                if (done.containsKey(c)) {
                    continue;
                }
                List<JsonNode> mine = new ArrayList<>();
                operations.get(c.target()).forEach(o -> {
                    if (matches(c, o, drillStart) && !exclude.equals(o.path("id").asText())) {
                        mine.add(o);
                    }
                });
                JsonNode op = mine.stream().filter(o -> "succeeded".equals(o.path("status").asText())).findFirst()
                        .orElse(mine.isEmpty() ? null : mine.get(0));
                boolean succeeded = op != null && "succeeded".equals(op.path("status").asText());
                String id = op == null ? "" : op.path("id").asText();
                boolean effect = succeeded && ReliabilitySuiteTest.topics.seen(Topics.OPERATIONS, c.target()).stream()
                        .anyMatch(s -> EventTypes.OPERATION_SUCCEEDED.equals(s.type())
                                && id.equals(s.data().path("operation_id").asText())
                                && !s.data().path("details").path("effect").isMissingNode());
                boolean gone = safely(c.gone());
                if ((succeeded && effect && gone) || last) {
                    done.put(c, new Outcome(c, e.getValue(), op, effect, gone));
                }
            }
            if (done.size() == made.size()) {
                return new ArrayList<>(done.values());
            }
            Thread.sleep(1000);
        }
    }

    /** One row per condition: the operation, whether its effect was verified and the condition is gone, and when. */
    static void report(ReliabilityReport report, List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            JsonNode op = o.operation();
            boolean pass = op != null && "succeeded".equals(op.path("status").asText()) && o.effect() && o.gone();
            String measured;
            if (op == null) {
                measured = "no " + o.condition().operationType() + " operation within " + PATIENCE.toMinutes() + " min";
            } else {
                Instant end = op.hasNonNull("finished_at") ? Instant.parse(op.path("finished_at").asText()) : null;
                measured = String.format("%s %s (%s, rule %s)%s; effect verified (succeeded event with its effect): %s;"
                                + " condition gone: %s", op.path("type").asText(), op.path("status").asText(),
                        op.path("requested_by").asText(), op.path("rule").asText("-"),
                        end == null ? "" : String.format(", time to remediate %.1f s",
                                Duration.between(o.made(), end).toMillis() / 1000.0),
                        o.effect(), o.gone());
            }
            report.check("remediated through the normal path: " + o.condition().name(), measured, pass);
        }
    }

    /**
     * 0 unsafe actions: every operation requested on the targets since the drill began belongs to a condition (or is
     * the drill's own first backup). Operations on objects {@code ownObject} accepts are listed apart, not as unsafe.
     */
    static void unsafe(ReliabilityReport report, String criterion, Collection<Condition> conditions, List<String> targets,
                       Instant since, String firstBackup, Predicate<String> ownObject) throws Exception {
        List<String> apart = new ArrayList<>();
        List<String> unsafe = new ArrayList<>();
        Map<String, Integer> byType = new TreeMap<>();
        String prefix = "";
        for (String target : targets) {
            if (targets.size() > 1) {
                prefix = target + " ";
            }
            for (JsonNode op : operations(target)) {
                if (!op.hasNonNull("requested_at") || !Instant.parse(op.path("requested_at").asText()).isAfter(since)) {
                    continue;
                }
                byType.merge(prefix + op.path("type").asText() + " " + op.path("status").asText(), 1, Integer::sum);
                if (firstBackup.equals(op.path("id").asText())
                        || conditions.stream().anyMatch(c -> c.target().equals(target) && matches(c, op, since))) {
                    continue;
                }
                String object = op.path("object").asText("");
                String what = prefix + op.path("type").asText() + " " + object + " (" + op.path("status").asText() + ")";
                (ownObject.test(object) ? apart : unsafe).add(what);
            }
        }
        report.check(criterion, "operations since the drill began: " + byType + "; outside the conditions: " + unsafe
                + (apart.isEmpty() ? "" : "; other operations on the drill's own objects: " + apart), unsafe.isEmpty());
    }

    private static boolean matches(Condition c, JsonNode op, Instant since) {
        return c.operationType().equals(op.path("type").asText())
                && (c.objectPart() == null || op.path("object").asText("").contains(c.objectPart()))
                && op.hasNonNull("requested_at") && Instant.parse(op.path("requested_at").asText()).isAfter(since);
    }

    private static JsonNode operationsOrEmpty(String target) {
        try {
            return operations(target);
        } catch (Exception e) {
            return Repo.JSON.createArrayNode();
        }
    }

    private static JsonNode operations(String target) throws Exception {
        JsonNode page = ReliabilitySuiteTest.get(AUTOMATION, "/api/operations?database=" + target + "&limit=500");
        return page.isArray() ? page : page.path("items");
    }

    private static boolean safely(Callable<Boolean> check) {
        try {
            return Boolean.TRUE.equals(check.call());
        } catch (Exception e) {
            return false;
        }
    }
}
