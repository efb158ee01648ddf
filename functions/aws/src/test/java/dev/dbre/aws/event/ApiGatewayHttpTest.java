package dev.dbre.aws.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiGatewayHttpTest {
    @Test
    void handMadeEventWithoutContext_getsApiGatewaysDefaults() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();

        assertThat(ApiGatewayHttp.method(event)).isEqualTo("POST");
        assertThat(ApiGatewayHttp.route(event)).isEqualTo("$default");
        assertThat(ApiGatewayHttp.requestId(event, "lambda-req-1")).isEqualTo("lambda-req-1");
        assertThat(ApiGatewayHttp.textBody(event)).isNull();
    }

    @Test
    void contextValues_winOverTheDefaults() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("POST /restores");
        event.setRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("apigw-req-7")
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod("PUT")
                        .build())
                .build());

        assertThat(ApiGatewayHttp.method(event)).isEqualTo("PUT");
        assertThat(ApiGatewayHttp.route(event)).isEqualTo("POST /restores");
        assertThat(ApiGatewayHttp.requestId(event, "lambda-req-1")).isEqualTo("apigw-req-7");
    }

    @Test
    void base64Body_isDecodedAsUtf8_andAPlainBodyIsKept() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setBody(Base64.getEncoder().encodeToString("{\"source\":\"orders-é\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);
        assertThat(ApiGatewayHttp.textBody(event)).isEqualTo("{\"source\":\"orders-é\"}");

        event.setIsBase64Encoded(false);
        event.setBody("{\"plain\":true}");
        assertThat(ApiGatewayHttp.textBody(event)).isEqualTo("{\"plain\":true}");
    }

    @Test
    void bodyMarkedBase64ThatIsNot_isRefusedNamingTheBody() {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setBody("not*base64!");
        event.setIsBase64Encoded(true);

        assertThatThrownBy(() -> ApiGatewayHttp.textBody(event))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("body"))
                .hasMessageContaining("isBase64Encoded");
    }

    @Test
    void jsonResponse_isNotBase64_andSaysItsContentType() {
        APIGatewayV2HTTPResponse r = ApiGatewayHttp.json(422, "{\"error\":\"X\"}");

        assertThat(r.getStatusCode()).isEqualTo(422);
        assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
        assertThat(r.getBody()).isEqualTo("{\"error\":\"X\"}");
        assertThat(r.getIsBase64Encoded()).isFalse();
    }
}
