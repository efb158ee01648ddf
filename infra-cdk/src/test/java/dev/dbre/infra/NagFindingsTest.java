package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AwsSolutions and Serverless packs find nothing unsuppressed in either stack; every
 * suppression carries a written reason (cdk-nag itself refuses reasons under 10 characters).
 */
class NagFindingsTest {
    @Test
    void fullStack_hasNoUnsuppressedFinding() {
        assertNoFindings(Stacks.full());
    }

    @Test
    void minimalStack_hasNoUnsuppressedFinding() {
        assertNoFindings(Stacks.minimal());
    }

    private static void assertNoFindings(Stacks.Synthesized s) {
        Annotations a = Annotations.fromStack(s.stack());
        List<SynthesisMessage> errors = a.findError("*", Match.stringLikeRegexp(".*(AwsSolutions|Serverless)-.*"));
        List<SynthesisMessage> warnings = a.findWarning("*", Match.stringLikeRegexp(".*(AwsSolutions|Serverless)-.*"));
        assertThat(describe(errors)).isEmpty();
        assertThat(describe(warnings)).isEmpty();
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData())
                .toList();
    }
}
