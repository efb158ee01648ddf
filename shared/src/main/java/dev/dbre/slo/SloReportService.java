package dev.dbre.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.AlertNotifier;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.port.ReportPublisher;
import dev.dbre.slo.AlertStateStore.Key;
import dev.dbre.slo.AlertStateStore.Observed;
import dev.dbre.slo.AlertStateStore.State;
import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloRunSummary.AlertChange;
import dev.dbre.slo.SloRunSummary.SloLine;
import dev.dbre.slo.spec.AlertRule;
import dev.dbre.slo.spec.AlertRule.Notify;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.slo.spec.SpecDuration;
import dev.dbre.slo.spec.TimeWindow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The SLO report function's one operation: load the specs, evaluate them, write the report in each
 * format, compare each alert with the last run's state and notify when one started or stopped
 * firing, and emit {@code SloAlertsFiring} per SLO and severity.
 *
 * <p>Failure rule: a spec error fails the run before anything is read or written ({@link
 * dev.dbre.slo.spec.SloSpecException} naming file, line and field). A report that cannot be written
 * fails the run before the alert state is touched. The alert state is written only after its notice
 * was sent, in the same transaction: a notice that could not be sent fails the run and is sent again
 * by the next one (at least once, never silently lost). An alert firing at the last run that is no
 * longer in the specs is announced resolved (reason {@value SloRunSummary.AlertChange#REMOVED}) under
 * the same rule, and its state deleted.
 */
public final class SloReportService {
    /** The file names of one run: {@code <stamp>/slo-report.<ext>}, and a copy under {@code latest/}. */
    static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    static final String FILE = "slo-report.";
    static final String LATEST = "latest/";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Removed alerts are announced in name order, so a notice reads the same on every retry. */
    private static final java.util.Comparator<Key> BY_NAME = java.util.Comparator.comparing(Key::slo)
            .thenComparing(Key::objective)
            .thenComparing(Key::alert);

    /** When to report: at a time (each SLO's own window), or over a fixed window from..to. */
    public record When(Instant at, Instant from) {
        public static When at(Instant at) {
            return new When(at, null);
        }

        /**
         * Every SLO evaluated as if its window were rolling and ran from {@code from} to {@code to}
         * (in whole minutes).
         *
         * @throws IllegalArgumentException when {@code to} is not after {@code from} by whole minutes
         */
        public static When over(Instant from, Instant to) {
            Duration d = Duration.between(from, to);
            if (d.isNegative() || d.isZero() || d.toSeconds() % 60 != 0) {
                throw new IllegalArgumentException(
                        "--to must be after --from by whole minutes, was " + from + " to " + to);
            }
            return new When(to, from);
        }
    }

    private final SliData data;
    private final ReportSettings settings;
    private final ReportPublisher publisher;
    private final AlertNotifier notifier;
    private final AlertStateStore state;
    private final MetricsPublisher metrics;
    private final Clock clock;

    public SloReportService(
            SliData data,
            ReportSettings settings,
            ReportPublisher publisher,
            AlertNotifier notifier,
            AlertStateStore state,
            MetricsPublisher metrics,
            Clock clock) {
        this.data = data;
        this.settings = settings;
        this.publisher = publisher;
        this.notifier = notifier;
        this.state = state;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * One run over the specs in {@code spec} (a file or a folder).
     *
     * @throws dev.dbre.slo.spec.SloSpecException when the set is invalid (nothing is read or written)
     * @throws IOException when a report file cannot be written, or the notice cannot be sent
     * @throws java.sql.SQLException when the alert state cannot be read or written
     */
    public SloRunSummary run(Path spec, When when, Set<ReportFormat> formats) throws Exception {
        return run(SloSpecs.load(spec), when, formats);
    }

    /**
     * One run over a loaded, valid spec set.
     *
     * @throws IOException when a report file cannot be written, or the notice cannot be sent
     * @throws java.sql.SQLException when the alert state cannot be read or written
     */
    public SloRunSummary run(SloSpecSet specs, When when, Set<ReportFormat> formats) throws Exception {
        SloReport report = evaluate(specs, when);
        // After the report: every question this run asked is fresh, so none of its recordings goes.
        data.pruneRecordings(clock.instant(), settings.recordingUnused());
        Map<String, String> locations = publish(report, formats);
        List<AlertChange> changes = updateAlertState(report, locations, policies(specs));
        emitMetrics(report);
        return new SloRunSummary(report.at(), locations, lines(report), changes);
    }

    SloReport evaluate(SloSpecSet specs, When when) {
        SloSpecSet set = specs;
        if (when.from() != null) {
            long minutes = Duration.between(when.from(), when.at()).toMinutes();
            TimeWindow fixed = new TimeWindow(new SpecDuration(minutes, SpecDuration.Unit.MINUTE), true, null, null);
            List<Slo> slos = new ArrayList<>();
            for (Slo s : specs.slos()) {
                slos.add(new Slo(
                        s.name(),
                        s.displayName(),
                        s.service(),
                        s.description(),
                        s.indicator(),
                        fixed,
                        s.budgetingMethod(),
                        s.objectives(),
                        s.alertRules(),
                        s.where()));
            }
            set = new SloSpecSet(slos);
        }
        return new SloEvaluator(data, settings).report(set, when.at(), clock.instant());
    }

    /** Writes each format under its time stamp and under {@code latest/}; returns the stamped locations. */
    private Map<String, String> publish(SloReport report, Set<ReportFormat> formats) throws IOException {
        Map<String, String> locations = new TreeMap<>();
        String stamp = STAMP.format(report.at());
        for (ReportFormat f : formats) {
            byte[] body = f.render(report);
            locations.put(f.extension(), publisher.publish(stamp + "/" + FILE + f.extension(), f.contentType(), body));
            publisher.publish(LATEST + FILE + f.extension(), f.contentType(), body);
        }
        return locations;
    }

    /** Each SLO's alert rules' notification policies, by SLO and rule name (the defaults' when it has none). */
    private static Map<List<String>, Notify> policies(SloSpecSet specs) {
        Map<List<String>, Notify> out = new java.util.HashMap<>();
        for (Slo s : specs.slos()) {
            for (AlertRule r : s.alertRules().isEmpty() ? AlertWindows.DEFAULTS : s.alertRules()) {
                out.put(List.of(s.name(), r.name()), r.notices());
            }
        }
        return out;
    }

    /**
     * Whether a change is announced, by its AlertPolicy: a start when it breaches ({@code
     * alertWhenBreaching}) or has no data ({@code alertWhenNoData}); an end ({@code alertWhenResolved})
     * only from a policy that announces starts. The state does not say why an alert fired, so with
     * alertWhenBreaching false and alertWhenNoData true the end of a breach is announced as well.
     */
    static boolean announced(Notify policy, boolean firing, String reason) {
        if (firing) {
            return AlertChange.NO_DATA.equals(reason) ? policy.whenNoData() : policy.whenBreaching();
        }
        return policy.whenResolved() && (policy.whenBreaching() || policy.whenNoData());
    }

    private List<AlertChange> updateAlertState(
            SloReport report, Map<String, String> locations, Map<List<String>, Notify> policies) throws Exception {
        List<Observed> observed = new ArrayList<>();
        Map<Key, Alert> alerts = new LinkedHashMap<>();
        for (Entry e : report.slos()) {
            for (Alert a : e.alerts()) {
                Key key = new Key(e.name(), e.objective(), a.name());
                observed.add(new Observed(key, a.severity(), a.firing()));
                alerts.put(key, a);
            }
        }
        List<AlertChange> changes = new ArrayList<>();
        state.transition(observed, report.at(), previous -> {
            for (Map.Entry<Key, Alert> e : alerts.entrySet()) {
                State before = previous.get(e.getKey());
                boolean wasFiring = before != null && before.firing();
                Alert a = e.getValue();
                Notify policy = policies.getOrDefault(List.of(e.getKey().slo(), a.name()), Notify.DEFAULT);
                String reason = a.firing() && a.status().equals(SloEvaluator.NO_DATA) ? AlertChange.NO_DATA : null;
                if (wasFiring != a.firing() && announced(policy, a.firing(), reason)) {
                    changes.add(new AlertChange(
                            e.getKey().slo(),
                            e.getKey().objective(),
                            a.name(),
                            a.severity(),
                            a.firing(),
                            report.at(),
                            a.firing() ? null : before.since(),
                            a.longBurnRate(),
                            a.shortBurnRate(),
                            a.threshold(),
                            reason,
                            policy.targets()));
                }
            }
            // An alert firing at the last run whose SLO, objective or rule left the specs would
            // otherwise stay open at the subscriber forever: it is resolved once, then forgotten
            // (the store deletes the state of every alert this run did not observe).
            List<Map.Entry<Key, State>> gone = previous.entrySet().stream()
                    .filter(e -> e.getValue().firing() && !alerts.containsKey(e.getKey()))
                    .sorted(Map.Entry.comparingByKey(BY_NAME))
                    .toList();
            for (Map.Entry<Key, State> e : gone) {
                changes.add(new AlertChange(
                        e.getKey().slo(),
                        e.getKey().objective(),
                        e.getKey().alert(),
                        e.getValue().severity(),
                        false,
                        report.at(),
                        e.getValue().since(),
                        null,
                        null,
                        null,
                        AlertChange.REMOVED,
                        List.of()));
            }
            if (!changes.isEmpty()) {
                notifier.send(notice(report, changes, locations));
            }
        });
        return changes;
    }

    /** The notice's JSON (docs/slo.md, "Notifications"). */
    static AlertNotice notice(SloReport report, List<AlertChange> changes, Map<String, String> locations) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", "dbre.slo.alerts");
        root.put("version", 1);
        root.put("at", report.at().toString());
        String link = locations.getOrDefault("html", locations.getOrDefault("json", locations.get("md")));
        root.put("report", link);
        ArrayNode list = root.putArray("changes");
        long started = 0;
        for (AlertChange c : changes) {
            ObjectNode n = list.addObject();
            n.put("slo", c.slo());
            n.put("objective", c.objective());
            n.put("alert", c.alert());
            n.put("severity", c.severity());
            n.put("state", c.firing() ? "firing" : "resolved");
            n.put("since", c.since().toString());
            n.put("firedSince", c.firedSince() == null ? null : c.firedSince().toString());
            n.put("threshold", c.threshold());
            n.put("longBurnRate", c.longBurnRate());
            n.put("shortBurnRate", c.shortBurnRate());
            n.put("reason", c.reason());
            c.notificationTargets().forEach(n.putArray("notificationTargets")::add);
            started += c.firing() ? 1 : 0;
        }
        long firing = report.slos().stream()
                .flatMap(e -> e.alerts().stream())
                .filter(Alert::firing)
                .count();
        root.put("firing", firing);
        String subject = "SLO alerts: " + started + " started, " + (changes.size() - started) + " resolved, " + firing
                + " firing (" + changes.get(0).slo() + " " + changes.get(0).alert() + ")";
        return new AlertNotice(subject.length() > 100 ? subject.substring(0, 97) + "..." : subject, root.toString());
    }

    /** {@code SloAlertsFiring} per SLO and severity, zeros included (an alarm must see the 0 too). */
    private void emitMetrics(SloReport report) {
        Map<List<String>, Integer> firing =
                new TreeMap<>((a, b) -> String.join("\0", a).compareTo(String.join("\0", b)));
        for (Entry e : report.slos()) {
            for (Alert a : e.alerts()) {
                firing.merge(List.of(e.name(), a.severity()), a.firing() ? 1 : 0, Integer::sum);
            }
        }
        firing.forEach((k, n) -> metrics.publish(
                Map.of("function", "slo-report", "slo", k.get(0), "severity", k.get(1)),
                List.of(Metric.count(MetricNames.SLO_ALERTS_FIRING, n))));
    }

    private static List<SloLine> lines(SloReport report) {
        List<SloLine> out = new ArrayList<>();
        for (Entry e : report.slos()) {
            out.add(new SloLine(
                    e.name(),
                    e.objective(),
                    e.budget().remaining(),
                    e.enoughData(),
                    e.alerts().stream().filter(Alert::firing).map(Alert::name).toList()));
        }
        return out;
    }
}
