package dev.dbre.slo;

/** The raw ratio scenarios over points held in memory. */
class InMemoryRawRatioEvaluatorTest extends RawRatioEvaluatorTest {
    @Override
    protected SloEvaluatorTest.Store store() {
        return new InMemorySloEvaluatorTest().store();
    }
}
