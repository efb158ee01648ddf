package dev.dbre.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.constructs.IConstruct;

/**
 * cdk-nag suppressions, each with its written reason. The reasons are the review record: a
 * suppression says why the rule does not apply here, never just that it fires.
 */
final class Nag {
    private Nag() {}

    /** Suppresses {@code rule} on {@code construct} and its children, for every finding. */
    static void suppress(IConstruct construct, String rule, String reason) {
        NagSuppressions.addResourceSuppressions(
                construct,
                List.of(NagPackSuppression.builder().id(rule).reason(reason).build()),
                true);
    }

    /** Suppresses only the named findings of {@code rule} (e.g. {@code Resource::*}). */
    static void suppress(IConstruct construct, String rule, String reason, List<String> appliesTo) {
        NagSuppressions.addResourceSuppressions(
                construct,
                List.of(NagPackSuppression.builder()
                        .id(rule)
                        .reason(reason)
                        .appliesTo(List.copyOf(appliesTo))
                        .build()),
                true);
    }
}
