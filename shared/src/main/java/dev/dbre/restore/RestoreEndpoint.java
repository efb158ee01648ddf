package dev.dbre.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.port.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud-neutral core of the restore functions' triggers (HTTP request, workflow step, drill
 * schedule): JSON in, a status and JSON out. Each cloud's handler only moves bytes between its
 * trigger and these methods.
 *
 * <ul>
 *   <li>{@link #submit}: 202 {@code {"runId","state","created","newName"}}; a refusal answers
 *       the rule's status ({@link RestoreError#httpStatus()}: 400 BAD_REQUEST, 403
 *       CONFIRMATION_REQUIRED, 404 SOURCE_NOT_FOUND, 409 NAME_TAKEN, 422 TARGET_OUTSIDE_WINDOW) with
 *       {@code {"error","field","message"}}; a provider fault 503 (a retryable {@link
 *       dev.dbre.port.ProviderError}) or 502, with {@code {"error","kind","code","message"}}; a
 *       database fault 503.
 *   <li>{@link #advance}: one step; 200 with {@link #runJson} ({@code {"runId","state","done",...}}),
 *       404 RUN_NOT_FOUND, 400 when the run id is missing or not a UUID.
 * </ul>
 */
public final class RestoreEndpoint {
    /**
     * What one advance step may use where the platform does not say how long is left: an HTTP
     * function with a 60 s timeout (Cloud Functions' default, Azure's HTTP limit is longer) keeps
     * 10 s to answer. Lambda passes the remaining time instead.
     */
    public static final Duration STEP_BUDGET = Duration.ofSeconds(50);

    private static final Logger LOG = LoggerFactory.getLogger(RestoreEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A status and a JSON body. */
    public record Response(int status, String json) {}

    private final RestoreService service;

    public RestoreEndpoint(RestoreService service) {
        this.service = service;
    }

    /** Parses {@code body} as a restore request and submits it. Never throws. */
    public Response submit(String body, Instant now) {
        try {
            RestoreRequest request = RestoreRequest.parse(body == null ? "" : body);
            RestoreService.Submitted s = service.submit(request, now);
            ObjectNode out = JSON.createObjectNode();
            out.put("runId", s.runId().toString());
            out.put("state", s.run().state().name());
            out.put("created", s.created());
            out.put("newName", s.run().newName());
            putSnapshot(out, s.run());
            return new Response(202, out.toString());
        } catch (RuntimeException e) {
            return failure(e, "submit");
        }
    }

    /**
     * Performs one step of the run named by {@code input}: a JSON object {@code {"runId": "..."}}
     * (a workflow step's input; other fields are ignored). Never throws.
     */
    public Response advance(String input, Instant now, Duration remaining) {
        UUID runId;
        try {
            JsonNode node = JSON.readTree(input == null ? "" : input);
            JsonNode id = node == null ? null : node.get("runId");
            if (id == null || !id.isTextual()) {
                return refused(RestoreError.BAD_REQUEST, "runId", "the input needs a string field runId");
            }
            runId = UUID.fromString(id.asText());
        } catch (IllegalArgumentException e) {
            return refused(RestoreError.BAD_REQUEST, "runId", "runId is not a UUID");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return refused(RestoreError.BAD_REQUEST, null, "not valid JSON: " + e.getOriginalMessage());
        }
        return advance(runId, now, remaining);
    }

    /** Performs one step of run {@code runId}. Never throws. */
    public Response advance(UUID runId, Instant now, Duration remaining) {
        try {
            return new Response(
                    200, runJson(service.advance(runId, now, remaining)).toString());
        } catch (RuntimeException e) {
            return failure(e, "advance " + runId);
        }
    }

    /**
     * A run as a workflow sees it: {@code runId, state, done} (done: nothing more will happen),
     * plus {@code outcome}, {@code newName}, {@code recoverySeconds}, {@code failureReason} when
     * known, {@code deadline}, {@code snapshot} ({@code id, region, takenAt}: the snapshot restored
     * from, picked at submit), and {@code cleanupError} (the database left) when CLEANUP_FAILED.
     */
    public static ObjectNode runJson(RestoreRun run) {
        ObjectNode out = JSON.createObjectNode();
        out.put("runId", run.runId().toString());
        out.put("state", run.state().name());
        out.put("done", run.finished());
        out.put("newName", run.newName());
        out.put("drill", run.drill());
        if (run.outcome() != null) {
            out.put("outcome", run.outcome().name());
        }
        if (run.recoverySeconds() != null) {
            out.put("recoverySeconds", run.recoverySeconds());
        }
        if (run.failureReason() != null) {
            out.put("failureReason", run.failureReason());
        }
        if (run.deadline() != null) {
            out.put("deadline", run.deadline().toString());
        }
        putSnapshot(out, run);
        if (run.state() == RestoreState.CLEANUP_FAILED && run.lastError() != null) {
            out.put("cleanupError", run.lastError());
        }
        return out;
    }

    /** {@code snapshot: {id, region, takenAt}}: the snapshot the run restores, when it restores one. */
    private static void putSnapshot(ObjectNode out, RestoreRun run) {
        if (run.snapshot() != null) {
            ObjectNode snap = out.putObject("snapshot");
            snap.put("id", run.snapshot().id());
            snap.put("region", run.snapshot().region());
            if (run.snapshotTime() != null) {
                snap.put("takenAt", run.snapshotTime().toString());
            }
        }
    }

    private static Response failure(RuntimeException e, String doing) {
        if (e instanceof RestoreRejectedException r) {
            return refused(r.error(), r.field(), r.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        if (e instanceof ProviderException p) {
            LOG.warn("restore {}: provider fault {}", doing, p.getMessage());
            out.put("error", "PROVIDER_" + (p.error().retryable() ? "UNAVAILABLE" : "ERROR"));
            out.put("kind", p.error().name());
            out.put("code", p.code());
            out.put("message", p.getMessage());
            return new Response(p.error().retryable() ? 503 : 502, out.toString());
        }
        if (e instanceof RestoreStoreException) {
            LOG.error("restore {}: runs table fault", doing, e);
            out.put("error", "STORE_UNAVAILABLE");
            out.put("message", e.getMessage());
            return new Response(503, out.toString());
        }
        LOG.error("restore {} failed", doing, e);
        out.put("error", "INTERNAL");
        out.put("message", "internal error");
        return new Response(500, out.toString());
    }

    private static Response refused(RestoreError error, String field, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("error", error.name());
        if (field != null) {
            out.put("field", field);
        }
        out.put("message", message);
        return new Response(error.httpStatus(), out.toString());
    }
}
