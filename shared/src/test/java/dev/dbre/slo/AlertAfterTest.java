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
        String text = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: api}
                spec:
                  service: api
                  indicator:
                    metadata: {name: api-errors}
                    spec: %s
                  timeWindow: [{duration: 30d, isRolling: true}]
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
                """.formatted(SloEvaluatorTest.REQUESTS, condition);
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
}
