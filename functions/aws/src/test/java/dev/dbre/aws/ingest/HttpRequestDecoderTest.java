package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.dbre.ingest.PayloadFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class HttpRequestDecoderTest {
    private static APIGatewayV2HTTPEvent event(Map<String, String> headers, String body, boolean base64) {
        APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
        e.setHeaders(headers);
        e.setBody(body);
        e.setIsBase64Encoded(base64);
        return e;
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void contentType_choosesTheFormat() {
        assertThat(HttpRequestDecoder.format("application/json; charset=utf-8")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpRequestDecoder.format("Application/JSON")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpRequestDecoder.format("application/vnd.dbre+json")).isEqualTo(PayloadFormat.JSON);
        assertThat(HttpRequestDecoder.format("text/plain")).isEqualTo(PayloadFormat.DOGSTATSD);
        assertThat(HttpRequestDecoder.format("application/octet-stream")).isEqualTo(PayloadFormat.AUTO);
        assertThat(HttpRequestDecoder.format(null)).isEqualTo(PayloadFormat.AUTO);
    }

    @Test
    void gzipBomb_isStoppedAtTheDecompressedLimit() throws Exception {
        byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros, about 8 KiB compressed
        HttpRequestDecoder decoder = new HttpRequestDecoder(new HttpLimits(1 << 20, 1 << 20));

        assertThatThrownBy(() -> decoder.decode(event(
                        Map.of("content-encoding", "gzip"), Base64.getEncoder().encodeToString(bomb), true)))
                .isInstanceOfSatisfying(
                        HttpRequestDecoder.Refused.class,
                        r -> assertThat(r.status).isEqualTo(413))
                .hasMessageContaining("decompressed body is larger than the limit of 1048576 bytes");
    }

    @Test
    void base64BodyOverTheLimit_isRefusedBeforeDecoding() {
        String body = Base64.getEncoder().encodeToString(new byte[1000]);
        HttpRequestDecoder decoder = new HttpRequestDecoder(new HttpLimits(999, 10_000));

        assertThatThrownBy(() -> decoder.decode(event(Map.of(), body, true)))
                .isInstanceOfSatisfying(
                        HttpRequestDecoder.Refused.class,
                        r -> assertThat(r.status).isEqualTo(413));
    }

    @Test
    void bodyExactlyAtTheLimit_isAccepted() throws Exception {
        String body = "a".repeat(100);
        HttpRequestDecoder decoder = new HttpRequestDecoder(new HttpLimits(100, 100));

        assertThat(decoder.decode(event(Map.of(), body, false)).payload()).hasSize(100);
        assertThat(decoder.decode(event(Map.of(), Base64.getEncoder().encodeToString(body.getBytes()), true))
                        .payload())
                .hasSize(100);
    }

    @Test
    void unknownContentEncoding_415() {
        HttpRequestDecoder decoder = new HttpRequestDecoder(HttpLimits.DEFAULTS);

        assertThatThrownBy(() -> decoder.decode(event(Map.of("Content-Encoding", "br"), "x:1|c", false)))
                .isInstanceOfSatisfying(
                        HttpRequestDecoder.Refused.class,
                        r -> assertThat(r.status).isEqualTo(415))
                .hasMessageContaining("'br'");
    }

    @Test
    void plainUtf8Body_passesThrough() throws Exception {
        HttpRequestDecoder.Decoded d = new HttpRequestDecoder(HttpLimits.DEFAULTS)
                .decode(event(Map.of("Content-Type", "text/plain"), "é.count:1|c", false));

        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).isEqualTo("é.count:1|c");
        assertThat(d.format()).isEqualTo(PayloadFormat.DOGSTATSD);
    }

    @Test
    void limitsFromEnv_nameTheVariable() {
        assertThat(HttpLimits.fromEnv(new dev.dbre.config.Env(Map.of()))).isEqualTo(HttpLimits.DEFAULTS);
        assertThatThrownBy(() ->
                        HttpLimits.fromEnv(new dev.dbre.config.Env(Map.of(HttpLimits.ENV_MAX_BODY_BYTES, "lots"))))
                .hasMessageContaining("DBRE_HTTP_MAX_BODY_BYTES");
    }
}
