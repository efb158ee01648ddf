package dev.dbre.gcp.testing;

import com.google.cloud.functions.HttpRequest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The request side of the Functions Framework's interface, over a sample (an in-process HTTP function call). */
public final class SampleRequest implements HttpRequest {
    private final GcpEvents.HttpSample sample;
    private final ByteArrayInputStream in;

    private final String path;

    public SampleRequest(GcpEvents.HttpSample sample) {
        this(sample, "/");
    }

    public SampleRequest(GcpEvents.HttpSample sample, String path) {
        this.sample = sample;
        this.in = new ByteArrayInputStream(sample.body());
        this.path = path;
    }

    public int bytesRead() {
        return sample.body().length - in.available();
    }

    @Override
    public String getMethod() {
        return sample.method();
    }

    @Override
    public String getUri() {
        return "http://127.0.0.1/";
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public Optional<String> getQuery() {
        return Optional.empty();
    }

    @Override
    public Map<String, List<String>> getQueryParameters() {
        return Map.of();
    }

    @Override
    public Map<String, HttpPart> getParts() {
        return Map.of();
    }

    @Override
    public Optional<String> getContentType() {
        return Optional.ofNullable(sample.headers().get("Content-Type"));
    }

    @Override
    public long getContentLength() {
        return sample.body().length;
    }

    @Override
    public Optional<String> getCharacterEncoding() {
        return Optional.empty();
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public Map<String, List<String>> getHeaders() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        sample.headers().forEach((k, v) -> h.put(k, List.of(v)));
        return h;
    }
}
