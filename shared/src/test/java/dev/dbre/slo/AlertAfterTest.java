package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An AlertCondition's {@code alertAfter}: the alert fires only when its condition held at every step
 * end of that span, and reports {@code pending} before. And its {@code op: gte}, read as {@code gt}.
 *
 * <p>Data, hand-computed: 100 requests a minute; from {@link #T0} on, 50 of them fail each minute.
 * n minutes after T0 the 1h window holds 6,000 requests and 50n failures (burn rate 50n / 6,000 /
 * 1% = n / 1.2) and the 5m window burns 50 once n ≥ 5: the 1h window first burns above 14.4 at n = 18
 * (15; 14.17 at n = 17).
 */
class AlertAfterTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static Slo slo(String condition) {
        return slo(condition, "[{duration: 30d, isRolling: true}]");
    }

    static Slo slo(String condition, String timeWindow) {
        String text = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: api}
                spec:
                  service: api
                  indicator:
                    metadata: {name: api-errors}
                    spec: %s
                  timeWindow: %s
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.99}]
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: fast-page}
                      spec:
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast-burn}
                            spec:
                              severity: page
                              condition: %s
                """.formatted(SloEvaluatorTest.REQUESTS, timeWindow, condition);
        return SloSpecs.parse(Map.of("a.yaml", text)).slos().get(0);
    }

    static SliData data(Slo slo) {
        InMemorySliData data = new InMemorySliData();
        for (Instant t = T0.minus(Duration.ofHours(3));
                t.isBefore(T0.plus(Duration.ofHours(1)));
                t = t.plusSeconds(60)) {
            data.count(SloEvaluatorTest.total(slo), t, 100)
                    .count(SloEvaluatorTest.bad(slo), t, t.isBefore(T0) ? 0 : 50);
        }
        return data;
    }

    static Alert alertAt(Slo slo, int minutesAfterT0) {
        Instant at = T0.plus(Duration.ofMinutes(minutesAfterT0));
        return new SloEvaluator(data(slo), ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), at)
                .alerts()
                .get(0);
    }

    @Test
    void withoutAlertAfter_firesTheFirstMinuteBothWindowsBurnAboveK() {
        Slo slo = slo("{kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}");

        assertThat(alertAt(slo, 17).firing()).isFalse();
        assertThat(alertAt(slo, 17).longBurnRate()).isCloseTo(850 / 6_000.0 / 0.01, within(1e-9));
        assertThat(alertAt(slo, 18).firing()).isTrue();
        assertThat(alertAt(slo, 18).status()).isEqualTo(SloEvaluator.FIRING);
    }

    @Test
    void alertAfter10m_firesOnlyOnceTheConditionHeldTenMinutes_andIsPendingBefore() {
        Slo slo = slo("{kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 10m}");

        assertThat(alertAt(slo, 17).status()).isEqualTo(SloEvaluator.OK);
        Alert pending = alertAt(slo, 27);
        assertThat(pending.firing()).isFalse();
        assertThat(pending.status()).isEqualTo(SloEvaluator.PENDING);
        assertThat(pending.longBurnRate()).isCloseTo(27 / 1.2, within(1e-9));
        assertThat(pending.alertAfter()).isEqualTo("10m");
        Alert firing = alertAt(slo, 28);
        assertThat(firing.firing()).isTrue();
        assertThat(firing.status()).isEqualTo(SloEvaluator.FIRING);
    }

    @Test
    void gte_isReadAsGt_aBurnRateEqualToTheThresholdDoesNotFire() {
        // at n = 18 the 1h window burns exactly 15 (900 of 6,000 at 1%)
        Slo slo = slo("{kind: burnrate, op: gte, threshold: 15, lookbackWindow: 1h}");

        assertThat(alertAt(slo, 18).longBurnRate()).isCloseTo(15, within(1e-9));
        assertThat(alertAt(slo, 18).firing()).isFalse();
        assertThat(alertAt(slo, 19).firing()).isTrue();
    }

    @Test
    void alertAfter_inTheFirstMinutesOfACalendarPeriod_judgesEveryEarlierStepOverItsWholeLongWindow() {
        // A month starts at 00:00; the report runs at 00:05. Hand-computed, 100 requests a minute:
        // all fail from 22:55 to 23:10 the day before, half fail from 23:50 on. The 1h window burns
        // 29.2 at 23:55 (1,750 of 6,000 at 1%) and 20.8 at 00:05 (1,250), the 5m window 50: the
        // condition held at every step end of the last 10 minutes, so the alert fires. A grid that
        // reached back less than 1h + 10m before 00:05 would miss the 22:55-23:10 failures.
        Slo slo = slo(
                "{kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 10m}",
                "[{duration: 1M, calendar: {startTime: \"2026-01-01 00:00:00\", timeZone: UTC}}]");
        Instant monthStart = Instant.parse("2026-03-01T00:00:00Z");
        InMemorySliData data = new InMemorySliData();
        for (Instant t = monthStart.minus(Duration.ofHours(3));
                t.isBefore(monthStart.plus(Duration.ofMinutes(10)));
                t = t.plusSeconds(60)) {
            long minute = Duration.between(monthStart, t).toMinutes();
            int bad = minute >= -65 && minute < -50 ? 100 : minute >= -10 ? 50 : 0;
            data.count(SloEvaluatorTest.total(slo), t, 100).count(SloEvaluatorTest.bad(slo), t, bad);
        }
        Alert alert = new SloEvaluator(data, ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), monthStart.plus(Duration.ofMinutes(5)))
                .alerts()
                .get(0);

        assertThat(alert.longBurnRate()).isCloseTo(1_250 / 6_000.0 / 0.01, within(1e-9));
        assertThat(alert.status()).isEqualTo(SloEvaluator.FIRING);
        assertThat(alert.firing()).isTrue();
    }
}
