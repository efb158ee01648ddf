package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.SecretMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation metrics, through a capturing publisher, for a real rotation on PostgreSQL. */
class RotationMetricsTest {
    @TempDir
    Path dir;

    record Published(Map<String, String> dimensions, List<Metric> metrics) {}

    static final class Capturing implements MetricsPublisher {
        final List<Published> published = new ArrayList<>();

        @Override
        public void publish(Map<String, String> dimensions, List<Metric> metrics) {
            published.add(new Published(dimensions, metrics));
        }
    }

    @Test
    void aFullRotation_countsOneCompletedStepPerStep() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_metrics", null);
        Capturing metrics = new Capturing();

        f.service
                .withMetrics(metrics)
                .rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});

        assertThat(metrics.published).hasSize(4);
        assertThat(metrics.published)
                .extracting(p -> p.dimensions().get("step"))
                .containsExactly("createSecret", "setSecret", "testSecret", "finishSecret");
        for (Published p : metrics.published) {
            assertThat(p.dimensions()).containsEntry("function", "rotation").doesNotContainKey("error");
            assertThat(p.metrics()).containsExactly(Metric.count(MetricNames.ROTATION_STEPS_COMPLETED, 1));
        }
    }

    @Test
    void aFailedStep_countsOneFailureWithItsStepAndError() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_metrics_fail", null);
        Capturing metrics = new Capturing();
        RotationService service = f.service.withMetrics(metrics);

        assertThatThrownBy(() -> service.rotate(
                        new RotationRequest(f.secretId, "not-a-version", RotationStep.SET_SECRET),
                        RotationStrategy.SINGLE))
                .isInstanceOf(RotationException.class);

        assertThat(metrics.published)
                .containsExactly(new Published(
                        Map.of("function", "rotation", "step", "setSecret", "error", "TOKEN_NOT_A_VERSION"),
                        List.of(Metric.count(MetricNames.ROTATION_FAILURES, 1))));
    }

    @Test
    void withoutMetrics_nothingIsPublished_andTheServiceStillRotates() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_no_metrics", null);
        Capturing metrics = new Capturing();
        f.service.withMetrics(metrics); // a copy; f.service itself stays without metrics

        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});

        assertThat(metrics.published).isEmpty();
        assertThat(f.logsIn(f.byStage(SecretMetadata.CURRENT))).isTrue();
    }
}
