package dev.dbre.slo.spec;

import java.time.Duration;

/**
 * One multi-window burn-rate alert: it fires when the burn rate over both {@code longWindow} and
 * {@code shortWindow} is above the threshold. The threshold is either fixed ({@code burnRate}, from an
 * AlertCondition) or derived from {@code budgetShare}, the share of the budget the alert lets burn
 * within the long window: k = budgetShare x window / longWindow.
 *
 * @param name the AlertPolicy's name, or the default rule's
 * @param budgetShare the share of the budget (null when {@code burnRate} is given)
 * @param burnRate a fixed threshold (null when derived from {@code budgetShare})
 * @param alertAfter how long the condition must hold (OpenSLO {@code alertAfter}; reported, see docs)
 */
public record AlertRule(
        String name,
        String severity,
        Duration longWindow,
        Duration shortWindow,
        Double budgetShare,
        Double burnRate,
        Duration alertAfter) {}
