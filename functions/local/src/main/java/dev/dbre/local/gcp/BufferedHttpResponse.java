package dev.dbre.local.gcp;

import com.google.cloud.functions.HttpResponse;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Functions Framework's {@link HttpResponse} kept in memory: how run-local and the tests call
 * an HTTP function without the framework, then read what it set.
 */
public final class BufferedHttpResponse implements HttpResponse {
    private int status = 200;
    private String contentType;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    /** The status code the function set (200 when it set none). */
    public int status() {
        return status;
    }

    /** The content type the function set, or null. */
    public String contentType() {
        return contentType;
    }

    /** The body written so far, as UTF-8 text. */
    public String body() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void setStatusCode(int code) {
        status = code;
    }

    @Override
    public void setStatusCode(int code, String message) {
        status = code;
    }

    @Override
    public void setContentType(String type) {
        contentType = type;
    }

    @Override
    public Optional<String> getContentType() {
        return Optional.ofNullable(contentType);
    }

    @Override
    public void appendHeader(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** The headers the function appended, names matched case-insensitively. */
    @Override
    public Map<String, List<String>> getHeaders() {
        return headers;
    }

    @Override
    public OutputStream getOutputStream() {
        return bytes;
    }

    @Override
    public BufferedWriter getWriter() {
        return new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8));
    }
}
