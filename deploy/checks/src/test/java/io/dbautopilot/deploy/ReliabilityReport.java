package io.dbautopilot.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The reliability suite's results: each scenario records every criterion it checked with the measured figure and
 * PASS / FAIL, one tab-separated line per criterion in {@code reliability.results} (reliability/run.sh prints them as
 * the table), and fails at its end naming every criterion that did not hold.
 */
final class ReliabilityReport {

    /** One checked criterion of a scenario. */
    record Row(String scenario, String criterion, String measured, boolean pass) {
    }

    private final String scenario;
    private final List<Row> rows = new ArrayList<>();

    private final long started = System.nanoTime();

    ReliabilityReport(String scenario) {
        this.scenario = scenario;
    }

    /** Whether the suite runs its reduced CI form ({@code -Dreliability.mode=quick}). */
    static boolean quick() {
        return "quick".equals(System.getProperty("reliability.mode", "full"));
    }

    /** Full figure, or the reduced one in quick mode. */
    static int size(int full, int quick) {
        return quick() ? quick : full;
    }

    /** Records a criterion with what was measured. */
    ReliabilityReport check(String criterion, String measured, boolean pass) {
        Row row = new Row(scenario, criterion, measured, pass);
        rows.add(row);
        System.out.printf("[reliability] %-5s %s | %s | %s%n", pass ? "PASS" : "FAIL", scenario, criterion, measured);
        Path file = Path.of(System.getProperty("reliability.results",
                Repo.path("deploy/checks/target/reliability/results.tsv").toString()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, String.join("\t", scenario, criterion, clean(measured), pass ? "PASS" : "FAIL") + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Records a scenario that could not run to its end (its remaining criteria unmeasured) as a FAIL. */
    void aborted(Throwable e) {
        check("scenario ran to its end", "aborted: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                false);
    }

    /** Fails naming every criterion that did not hold. */
    void assertAllHeld() {
        System.out.printf("[reliability] took %.0f s: %s%n", (System.nanoTime() - started) / 1e9, scenario);
        List<String> failed = rows.stream().filter(r -> !r.pass()).map(r -> r.criterion() + ": " + r.measured()).toList();
        if (!failed.isEmpty()) {
            throw new AssertionError(scenario + ": " + failed.size() + " criteria did not hold:\n  "
                    + String.join("\n  ", failed));
        }
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}
