package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up validation and reload of a rules file on disk: a valid edit is taken, an invalid one leaves the old rules. */
class ActiveRulesTest {

    private static final String V1 = """
            rules:
              busy:
                metric: pg_connections_utilization_ratio
                thresholds: {warning: 0.8}
            """;

    @TempDir
    Path dir;

    private final RuleLoader loader = new RuleLoader(new MetricCatalog());

    @Test
    void anInvalidFileFailsTheStartNamingRuleAndField() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, V1.replace("0.8", "'high'"));
        RuleFileException e = assertThrows(RuleFileException.class, () -> new ActiveRules(loader, file.toString()));
        assertTrue(e.getMessage().contains("rule 'busy', field 'thresholds.warning': must be a number"), e.getMessage());
    }

    @Test
    void aChangedFileIsReloadedAndAnInvalidEditKeepsTheOldRules() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, V1);
        ActiveRules rules = new ActiveRules(loader, file.toString());
        assertEquals(0.8, rules.current().rules().get(0).thresholds().get(Severity.WARNING));

        rules.reloadIfChanged();
        assertEquals(0.8, rules.current().rules().get(0).thresholds().get(Severity.WARNING), "unchanged file: same rules");

        write(file, V1.replace("0.8", "0.6"), 1);
        rules.reloadIfChanged();
        assertEquals(0.6, rules.current().rules().get(0).thresholds().get(Severity.WARNING), "valid edit taken");

        write(file, V1.replace("pg_connections_utilization_ratio", "pg_typo"), 2);
        rules.reloadIfChanged();
        assertEquals(0.6, rules.current().rules().get(0).thresholds().get(Severity.WARNING), "invalid edit rejected");
        assertEquals("pg_connections_utilization_ratio", rules.current().rules().get(0).expression().primary());

        write(file, V1.replace("0.8", "0.7"), 3);
        rules.reloadIfChanged();
        assertEquals(0.7, rules.current().rules().get(0).thresholds().get(Severity.WARNING), "a later valid edit is taken");
    }

    @Test
    void theShippedRulesLoadFromTheClasspath() {
        ActiveRules rules = new ActiveRules(loader, ActiveRules.DEFAULT_RULES);
        assertTrue(rules.current().rules().size() >= 30);
        rules.reloadIfChanged();
        assertTrue(rules.current().rules().size() >= 30);
    }

    private static void write(Path file, String text, int step) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10L * step)));
    }
}
