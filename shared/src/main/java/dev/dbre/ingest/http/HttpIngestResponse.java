package dev.dbre.ingest.http;

import dev.dbre.ingest.BatchResult;
import java.util.Map;

/**
 * What the platform's HTTP trigger sends back.
 *
 * @param status the HTTP status
 * @param headers extra response headers (Content-Type is always application/json and included)
 * @param body the JSON body
 * @param result the ingest result when the batch reached the store (for metrics), else null
 */
public record HttpIngestResponse(int status, Map<String, String> headers, String body, BatchResult result) {
    public HttpIngestResponse {
        headers = Map.copyOf(headers);
    }
}
