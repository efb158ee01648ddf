package dev.dbre.slo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one run of the SLO report did.
 *
 * @param at the time the report was computed for
 * @param reports where each format was written (a path or URL), by its extension
 * @param slos per SLO objective, the budget left and the alerts firing
 * @param changes the alerts that started or stopped firing since the last run and were announced
 *     (their AlertPolicy may leave a start or an end unannounced)
 */
public record SloRunSummary(Instant at, Map<String, String> reports, List<SloLine> slos, List<AlertChange> changes) {
    public SloRunSummary {
        reports = Map.copyOf(reports);
        slos = List.copyOf(slos);
        changes = List.copyOf(changes);
    }

    /**
     * One SLO objective.
     *
     * @param budgetRemaining the share of the budget left (negative when overspent), null without data
     * @param firing the names of its alerts that fire ({@code page-fast}, ...)
     */
    public record SloLine(
            String slo, String objective, Double budgetRemaining, boolean enoughData, List<String> firing) {
        public SloLine {
            firing = List.copyOf(firing);
        }
    }

    /**
     * An alert that started ({@code firing}) or stopped firing since the last run.
     *
     * @param since when it started firing (a start) or when it stopped (a resolution): this run's time
     * @param firedSince for a resolution, when it had started firing; null for a start
     * @param threshold the burn rate both windows must exceed; null for an alert removed from the specs
     * @param reason null when the burn rates decided; {@link #NO_DATA} for an alert of a policy with
     *     {@code alertWhenNoData} that fires because a window has no data; {@link #REMOVED} for a
     *     firing alert whose SLO, objective or rule is no longer in the specs (resolved once, then
     *     forgotten)
     * @param notificationTargets the names of its AlertPolicy's notificationTargets (empty for the
     *     default rules and for removed alerts)
     */
    public record AlertChange(
            String slo,
            String objective,
            String alert,
            String severity,
            boolean firing,
            Instant since,
            Instant firedSince,
            Double longBurnRate,
            Double shortBurnRate,
            Double threshold,
            String reason,
            List<String> notificationTargets) {
        /** The reason of a resolution whose alert is no longer in the specs. */
        public static final String REMOVED = "removed from the specs";
        /** The reason of a start caused by a window without data ({@code alertWhenNoData}). */
        public static final String NO_DATA = "no data";

        public AlertChange {
            notificationTargets = List.copyOf(notificationTargets);
        }
    }

    /**
     * The summary a scheduled handler returns: {@code at}, {@code reports}, {@code alertsFiring},
     * {@code slos} (each with {@code budgetRemaining}, null without data, and {@code firing}) and
     * {@code changes}.
     */
    public String toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode root =
                new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        root.put("at", at.toString());
        reports.forEach(root.putObject("reports")::put);
        root.put("alertsFiring", alertsFiring());
        com.fasterxml.jackson.databind.node.ArrayNode list = root.putArray("slos");
        for (SloLine l : slos) {
            com.fasterxml.jackson.databind.node.ObjectNode n = list.addObject();
            n.put("slo", l.slo());
            n.put("objective", l.objective());
            n.put("budgetRemaining", l.budgetRemaining());
            n.put("enoughData", l.enoughData());
            l.firing().forEach(n.putArray("firing")::add);
        }
        com.fasterxml.jackson.databind.node.ArrayNode changed = root.putArray("changes");
        for (AlertChange c : changes) {
            changed.addObject()
                    .put("slo", c.slo())
                    .put("objective", c.objective())
                    .put("alert", c.alert())
                    .put("state", c.firing() ? "firing" : "resolved")
                    .put("reason", c.reason());
        }
        return root.toString();
    }

    /** How many alerts fire now, over every SLO. */
    public int alertsFiring() {
        return slos.stream().mapToInt(s -> s.firing().size()).sum();
    }
}
