package io.dbautopilot.performance.advise;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one advisor found on one target: its findings, the scopes (databases, or {@link #CLUSTER}) it examined
 * completely, and why the others could not be examined. A finding of a scope that was not examined is kept as it
 * is, never withdrawn for lack of evidence.
 */
public final class AdvisorResult {

    /** Scope name of cluster-wide findings. */
    public static final String CLUSTER = "";

    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> examined = new LinkedHashSet<>();
    private final Map<String, String> problems = new LinkedHashMap<>();

    /** Adds a finding. */
    public AdvisorResult add(Finding finding) {
        findings.add(finding);
        return this;
    }

    /** Marks a scope (a database, or {@link #CLUSTER}) as examined completely. */
    public AdvisorResult examined(String scope) {
        examined.add(scope == null ? CLUSTER : scope);
        return this;
    }

    /** Records why a scope could not be examined (its earlier findings stay). */
    public AdvisorResult problem(String scope, String reason) {
        problems.put(scope == null ? CLUSTER : scope, reason);
        return this;
    }

    /** The findings. */
    public List<Finding> findings() {
        return findings;
    }

    /** Scopes examined completely. */
    public Set<String> examined() {
        return examined;
    }

    /** Scopes not examined, with the reason. */
    public Map<String, String> problems() {
        return problems;
    }

    /** The scope of a finding. */
    public static String scopeOf(Finding f) {
        return f.database() == null ? CLUSTER : f.database();
    }
}
