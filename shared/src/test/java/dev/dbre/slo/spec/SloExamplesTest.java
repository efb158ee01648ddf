package dev.dbre.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The product's own SLO set in docs/examples/slo stays valid. */
class SloExamplesTest {
    @Test
    void productSloSet_isValid() {
        SloSpecSet set = SloSpecs.load(Path.of("../docs/examples/slo"));

        assertThat(set.slos())
                .extracting(Slo::name)
                .containsExactlyInAnyOrder(
                        "backup-rpo",
                        "drill-verified",
                        "drill-rto",
                        "ingest-availability",
                        "ingest-freshness",
                        "rotation-on-schedule");
        assertThat(set.slo("drill-rto").orElseThrow().alertRules())
                .singleElement()
                .satisfies(r -> assertThat(r.shortWindow()).isEqualTo(java.time.Duration.ofHours(14)));
    }
}
