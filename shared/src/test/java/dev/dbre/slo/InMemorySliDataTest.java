package dev.dbre.slo;

import dev.dbre.slo.spec.MetricSource;
import java.time.Instant;

class InMemorySliDataTest extends SliDataContract {
    @Override
    protected Writer writer() {
        InMemorySliData data = new InMemorySliData();
        return new Writer() {
            @Override
            public void count(MetricSource source, Instant at, double amount) {
                data.count(source, at, amount);
            }

            @Override
            public void value(MetricSource source, Instant at, double value) {
                data.value(source, at, value);
            }

            @Override
            public SliData data() {
                return data;
            }
        };
    }
}
