package dev.dbre.slo;

import dev.dbre.slo.spec.MetricSource;
import java.time.Instant;

/** The evaluator's scenarios over points held in memory. */
class InMemorySloEvaluatorTest extends SloEvaluatorTest {
    @Override
    protected Store store() {
        InMemorySliData data = new InMemorySliData();
        return new Store() {
            @Override
            public Store count(MetricSource source, Instant at, double amount) {
                data.count(source, at, amount);
                return this;
            }

            @Override
            public Store value(MetricSource source, Instant at, double value) {
                data.value(source, at, value);
                return this;
            }

            @Override
            public SliData readAt(Instant at) {
                return data;
            }
        };
    }
}
