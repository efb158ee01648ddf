package dev.dbre.slo.spec;

import java.util.List;

/**
 * A validated SLO, its indicator resolved.
 *
 * @param alertRules the rules of its AlertPolicies; empty means the default rules
 */
public record Slo(
        String name,
        String displayName,
        String service,
        String description,
        Indicator indicator,
        TimeWindow window,
        BudgetingMethod budgetingMethod,
        List<Objective> objectives,
        List<AlertRule> alertRules,
        Location where) {
    public Slo {
        objectives = List.copyOf(objectives);
        alertRules = List.copyOf(alertRules);
    }
}
