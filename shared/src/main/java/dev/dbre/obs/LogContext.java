package dev.dbre.obs;

import org.slf4j.MDC;

/**
 * The invocation's identity in every log line: puts {@code request_id} and {@code function} into
 * the logging MDC for the duration of an invocation (the JSON layouts print MDC entries as fields).
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.open(context.getAwsRequestId(), "ingest")) { ... }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {
    public static final String REQUEST_ID = "request_id";
    public static final String FUNCTION = "function";

    private LogContext() {}

    public static LogContext open(String requestId, String function) {
        MDC.put(REQUEST_ID, requestId == null ? "" : requestId);
        MDC.put(FUNCTION, function);
        return new LogContext();
    }

    @Override
    public void close() {
        MDC.remove(REQUEST_ID);
        MDC.remove(FUNCTION);
    }
}
