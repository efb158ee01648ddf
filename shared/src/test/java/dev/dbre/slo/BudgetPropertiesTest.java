package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.spec.Slo;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the Occurrences maths over arbitrary traffic. */
class BudgetPropertiesTest {
    private static final Slo SLO = SloEvaluatorTest.slo(
            "{duration: 1d, isRolling: true}", "Occurrences", "{target: 0.98}", SloEvaluatorTest.REQUESTS);
    private static final Instant AT = Instant.parse("2026-03-02T00:00:00Z");

    @Property(tries = 200)
    void sliBudgetAndBurnRate_agree(
            @ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 1_000) Integer> totals,
            @ForAll @IntRange(min = 0, max = 100) int badPercent) {
        InMemorySliData data = new InMemorySliData();
        long total = 0;
        long bad = 0;
        for (int i = 0; i < totals.size(); i++) {
            Instant t = AT.minusSeconds(60L * (i * 37 + 1)); // spread over the last day
            long b = totals.get(i) * badPercent / 100;
            data.count(SloEvaluatorTest.total(SLO), t, totals.get(i)).count(SloEvaluatorTest.bad(SLO), t, b);
            total += totals.get(i);
            bad += b;
        }

        Entry e = new SloEvaluator(data, ReportSettings.DEFAULTS)
                .evaluate(SLO, SLO.objectives().get(0), AT);

        if (total == 0) {
            assertThat(e.sli()).isNull();
            assertThat(e.budget().consumed()).isNull();
            return;
        }
        assertThat(e.sli()).isCloseTo(1 - bad / (double) total, within(1e-9));
        assertThat(e.budget().consumed()).isCloseTo((1 - e.sli()) / 0.02, within(1e-9));
        assertThat(e.budget().consumed() + e.budget().remaining()).isCloseTo(1, within(1e-12));
        assertThat(e.budget().consumedAmount()).isCloseTo(bad, within(1e-9));
        // the window is the whole day, so the 1d burn rate is (1 - SLI) / B whenever it is judged
        SloReport.BurnRate day = e.burnRates().get("1d");
        assertThat(day.events()).isEqualTo((double) total);
        if (day.burnRate() != null) {
            assertThat(day.burnRate()).isCloseTo(e.budget().consumed(), within(1e-9));
        }
    }
}
