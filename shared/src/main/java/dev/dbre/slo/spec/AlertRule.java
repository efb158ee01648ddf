package dev.dbre.slo.spec;

import java.time.Duration;
import java.util.List;

/**
 * One multi-window burn-rate alert: it fires when the burn rate over both {@code longWindow} and
 * {@code shortWindow} is above the threshold. The threshold is either fixed ({@code burnRate}, from an
 * AlertCondition) or derived from {@code budgetShare}, the share of the budget the alert lets burn
 * within the long window: k = budgetShare x window / longWindow.
 *
 * @param name the AlertPolicy's name, or the default rule's
 * @param budgetShare the share of the budget (null when {@code burnRate} is given)
 * @param burnRate a fixed threshold (null when derived from {@code budgetShare})
 * @param alertAfter how long the condition must hold before the alert fires (OpenSLO {@code alertAfter})
 * @param notices which changes are announced, and to whom (the AlertPolicy's flags and targets)
 */
public record AlertRule(
        String name,
        String severity,
        Duration longWindow,
        Duration shortWindow,
        Double budgetShare,
        Double burnRate,
        Duration alertAfter,
        Notify notices) {

    /** A rule with the default notification policy ({@link Notify#DEFAULT}). */
    public AlertRule(
            String name,
            String severity,
            Duration longWindow,
            Duration shortWindow,
            Double budgetShare,
            Double burnRate,
            Duration alertAfter) {
        this(name, severity, longWindow, shortWindow, budgetShare, burnRate, alertAfter, Notify.DEFAULT);
    }

    /**
     * An AlertPolicy's notification flags (OpenSLO: "whether the alert should be triggered when the
     * condition is breaching / is resolved / indicates that no data is available") and the names of
     * its {@code notificationTargets}.
     *
     * @param whenBreaching announce an alert that starts firing because both windows burn above the
     *     threshold ({@code alertWhenBreaching}, default true)
     * @param whenResolved announce an alert that stops firing ({@code alertWhenResolved}, default true)
     * @param whenNoData the alert fires when its windows have no data, and that is announced
     *     ({@code alertWhenNoData}, default false)
     * @param targets the names of the policy's AlertNotificationTargets, carried in each notice
     */
    public record Notify(boolean whenBreaching, boolean whenResolved, boolean whenNoData, List<String> targets) {
        /** The default rules' policy, and a policy that sets no flag: breaches and resolutions. */
        public static final Notify DEFAULT = new Notify(true, true, false, List.of());

        public Notify {
            targets = List.copyOf(targets);
        }
    }
}
