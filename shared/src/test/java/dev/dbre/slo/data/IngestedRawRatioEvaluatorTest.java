package dev.dbre.slo.data;

import dev.dbre.slo.RawRatioEvaluatorTest;
import dev.dbre.slo.SloEvaluatorTest;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The raw ratio scenarios through the real store: each value a DogStatsD distribution line written
 * by ingest, rolled up by maintenance and read back as the step's mean ({@link IngestedSloEvaluatorTest}).
 */
@ExtendWith(PostgresExtension.class)
class IngestedRawRatioEvaluatorTest extends RawRatioEvaluatorTest {
    private final TestDatabase db;

    IngestedRawRatioEvaluatorTest(TestDatabase db) {
        this.db = db;
    }

    @Override
    protected SloEvaluatorTest.Store store() {
        return new IngestedSloEvaluatorTest(db).store();
    }
}
