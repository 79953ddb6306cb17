package io.dbautopilot.performance.engine;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.detect.rules.RuleSet;

import java.util.Set;

/** The detection capability of one or more engines: the threshold rules in force for their targets. */
public interface EngineRules {

    /** The engines these rules serve. */
    Set<Engine> engines();

    /** The rules in force now (a reloaded file replaces them). */
    RuleSet current();
}
