package dev.dbre.aws.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.aws.backup.FakeRds;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Reply;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SnsNotifier through the real SNS client against SNS-shaped (Query API) answers on 127.0.0.1. */
class SnsNotifierTest {
    static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:slo-alerts";
    static final AlertNotice NOTICE =
            new AlertNotice("SLO alerts: 1 started, 0 resolved, 1 firing", "{\"type\":\"dbre.slo.alerts\"}");

    private final FakeHttpServer http = FakeHttpServer.start();
    private final SnsNotifier notifier = SnsNotifier.of(TOPIC, http.uri(), FakeRds.CREDENTIALS);

    @AfterEach
    void stop() {
        http.close();
    }

    @Test
    void publishesSubjectAndJsonMessage_toTheTopic_inItsRegion() throws IOException {
        http.always(
                r -> true,
                Reply.of(
                        200,
                        "text/xml",
                        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                                + "<MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>"
                                + "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>"
                                + "</ResponseMetadata></PublishResponse>"));

        notifier.send(NOTICE);

        assertThat(http.requests()).singleElement().satisfies(r -> {
            Map<String, String> form = r.form();
            assertThat(form)
                    .containsEntry("Action", "Publish")
                    .containsEntry("TopicArn", TOPIC)
                    .containsEntry("Subject", NOTICE.subject())
                    .containsEntry("Message", NOTICE.json())
                    .containsEntry("MessageAttributes.entry.1.Name", "type")
                    .containsEntry("MessageAttributes.entry.1.Value.StringValue", "dbre.slo.alerts");
            assertThat(r.header("authorization")).contains("/eu-west-1/sns/");
        });
    }

    @Test
    void authorizationError_namesTheTopicAndTheIamAction() {
        http.always(
                r -> true,
                Reply.of(
                        403,
                        "text/xml",
                        "<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User is not"
                                + " authorized to perform: SNS:Publish</Message></Error><RequestId>x</RequestId>"
                                + "</ErrorResponse>"));

        assertThatThrownBy(() -> notifier.send(NOTICE))
                .isInstanceOf(IOException.class)
                .hasMessage("SNS Publish to " + TOPIC + " failed: AuthorizationError (HTTP 403): the function's role"
                        + " needs sns:Publish on " + TOPIC);
    }
}
