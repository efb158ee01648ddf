package dev.dbre.local;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.cloudevents.CloudEvent;

/**
 * What the Functions Framework serves when {@code invoke} built a Google Cloud function itself (over
 * the local stand-ins: its no-argument constructor would build Cloud SQL and Secret Manager
 * clients): the invoker instantiates these by class name, and each hands every request to the real
 * function {@link InvokeGcp} put here for the one call.
 */
public final class GcpHosted {
    /** The function of the call under way; set before the invoker starts, cleared after it stops. */
    static volatile Object current;

    private GcpHosted() {}

    private static <T> T current(Class<T> type) {
        Object f = current;
        if (!type.isInstance(f)) {
            throw new IllegalStateException("invoke set no " + type.getSimpleName() + " for this call");
        }
        return type.cast(f);
    }

    /** Serves the {@link CloudEventsFunction} of the call. */
    public static final class CloudEvents implements CloudEventsFunction {
        private final CloudEventsFunction function = current(CloudEventsFunction.class);

        @Override
        public void accept(CloudEvent event) throws Exception {
            function.accept(event);
        }
    }

    /** Serves the {@link HttpFunction} of the call. */
    public static final class Http implements HttpFunction {
        private final HttpFunction function = current(HttpFunction.class);

        @Override
        public void service(HttpRequest request, HttpResponse response) throws Exception {
            function.service(request, response);
        }
    }
}
