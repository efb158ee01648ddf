package dev.dbre.local.azure;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal implementation of the SDK's {@link HttpRequestMessage} (the Java worker supplies the
 * real one), with a response builder that keeps what the function set: how run-local and the tests
 * call an HTTP function without the worker.
 */
public record SimpleHttpRequestMessage(
        URI getUri, HttpMethod getHttpMethod, Map<String, String> getHeaders, Optional<byte[]> getBody)
        implements HttpRequestMessage<Optional<byte[]>> {

    @Override
    public Map<String, String> getQueryParameters() {
        return Map.of();
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
        return new Builder(status);
    }

    @Override
    public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
        return new Builder(status);
    }

    /** The response the function built. */
    public record Response(HttpStatusType getStatus, Map<String, String> headers, Object getBody)
            implements HttpResponseMessage {
        @Override
        public String getHeader(String name) {
            return headers.get(name);
        }
    }

    /** Keeps what the function set. */
    public static final class Builder implements HttpResponseMessage.Builder {
        private HttpStatusType status;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object body;

        public Builder(HttpStatusType status) {
            this.status = status;
        }

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType s) {
            this.status = s;
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object b) {
            this.body = b;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            return new Response(status, Map.copyOf(headers), body);
        }
    }
}
