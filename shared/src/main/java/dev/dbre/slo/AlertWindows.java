package dev.dbre.slo;

import dev.dbre.slo.spec.AlertRule;
import java.time.Duration;
import java.util.List;

/**
 * The default multi-window, multi-burn-rate alerts, as data. Source: the Google SRE workbook,
 * "Alerting on SLOs", recommended parameters for a 30-day SLO (and Sloth's
 * {@code internal/alert/windows/google-30d.yaml}, which adds the 1d/2h ticket). Each rule lets a
 * share of the budget burn within its long window; the threshold scales with the SLO's own window:
 * k = share x window / long window (14.4, 6, 3 and 1 for 30 days).
 */
public final class AlertWindows {
    private AlertWindows() {}

    public static final List<AlertRule> DEFAULTS = List.of(
            rule("page-fast", "page", 60, 5, 0.02),
            rule("page-slow", "page", 6 * 60, 30, 0.05),
            rule("ticket-fast", "ticket", 24 * 60, 2 * 60, 0.10),
            rule("ticket-slow", "ticket", 3 * 24 * 60, 6 * 60, 0.10));

    private static AlertRule rule(String name, String severity, long longMinutes, long shortMinutes, double share) {
        return new AlertRule(
                name,
                severity,
                Duration.ofMinutes(longMinutes),
                Duration.ofMinutes(shortMinutes),
                share,
                null,
                Duration.ZERO);
    }

    /** The burn-rate threshold of {@code rule} for a window (period) of length {@code window}. */
    public static double threshold(AlertRule rule, Duration window) {
        if (rule.burnRate() != null) {
            return rule.burnRate();
        }
        return rule.budgetShare()
                * window.toSeconds()
                / (double) rule.longWindow().toSeconds();
    }
}
