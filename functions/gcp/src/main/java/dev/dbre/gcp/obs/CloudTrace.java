package dev.dbre.gcp.obs;

import org.slf4j.MDC;

/**
 * Puts the Cloud Logging trace field into the log context, so the function's log lines join the
 * request's trace in the Logs Explorer.
 */
public final class CloudTrace implements AutoCloseable {
    /** The structured-logging field Cloud Logging reads the trace from. */
    public static final String FIELD = "logging.googleapis.com/trace";

    private CloudTrace() {}

    /**
     * @param cloudTraceContext the {@code X-Cloud-Trace-Context} header ({@code TRACE/SPAN;o=1}), or null
     * @param traceparent the W3C {@code traceparent} header or CloudEvent extension, or null
     * @param project the project id; without it the bare trace id is logged
     */
    public static CloudTrace open(String cloudTraceContext, String traceparent, String project) {
        String trace = traceId(cloudTraceContext, traceparent);
        if (trace != null) {
            MDC.put(FIELD, project == null ? trace : "projects/" + project + "/traces/" + trace);
        }
        return new CloudTrace();
    }

    public static String traceId(String cloudTraceContext, String traceparent) {
        if (cloudTraceContext != null && !cloudTraceContext.isBlank()) {
            int slash = cloudTraceContext.indexOf('/');
            String id = (slash < 0 ? cloudTraceContext : cloudTraceContext.substring(0, slash)).trim();
            return id.isEmpty() ? null : id;
        }
        if (traceparent != null) {
            // version-traceid-parentid-flags: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
            String[] parts = traceparent.trim().split("-");
            if (parts.length == 4 && parts[1].length() == 32) {
                return parts[1];
            }
        }
        return null;
    }

    @Override
    public void close() {
        MDC.remove(FIELD);
    }
}
