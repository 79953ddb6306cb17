package io.dbautopilot.performance.advise;

/** One advisor: examines a target and returns its findings, saying which scopes it examined completely. */
public interface Advisor {

    /** Short name, e.g. {@code missing_index}; stored with each finding. */
    String name();

    /** The engines this advisor can examine (the shipped advisors read PostgreSQL catalogs). */
    default java.util.Set<io.dbautopilot.model.Engine> engines() {
        return java.util.Set.of(io.dbautopilot.model.Engine.POSTGRESQL);
    }

    /**
     * Examines the target. Blocking (JDBC): called on a worker thread.
     *
     * @param target what the advisor may use: sessions on the target's databases and the latest collected values
     * @return the findings and the scopes examined completely (only their absent findings are withdrawn)
     */
    AdvisorResult advise(AdviceTarget target);
}
