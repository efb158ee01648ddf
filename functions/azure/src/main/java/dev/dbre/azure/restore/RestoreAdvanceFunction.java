package dev.dbre.azure.restore;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.dbre.azure.backup.AzureBackupRuntime;
import dev.dbre.obs.LogContext;
import dev.dbre.restore.RestoreEndpoint;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: {@code POST /api/restores/advance} with {@code {"runId"}} → one step, {@code
 * {"runId","state","done",...}}: the activity a Durable Functions orchestration (or a Logic App
 * loop) calls until {@code done}. Each call moves the run at most one state, so a repeat is harmless.
 */
public class RestoreAdvanceFunction {
    static final String NAME = "restore-advance";

    private static final Logger LOG = LoggerFactory.getLogger(RestoreAdvanceFunction.class);

    private final AzureBackupRuntime runtime;

    /** Used by the Functions host. */
    public RestoreAdvanceFunction() {
        this(AzureBackupRuntime.shared());
    }

    public RestoreAdvanceFunction(AzureBackupRuntime runtime) {
        this.runtime = runtime;
    }

    @FunctionName(NAME)
    public HttpResponseMessage advance(
            @HttpTrigger(
                            name = "request",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "restores/advance",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            RestoreEndpoint.Response r = runtime.restoreEndpoint()
                    .advance(RestoreHttp.body(request), runtime.clock().instant(), RestoreEndpoint.STEP_BUDGET);
            LOG.info("restore advance: status {}", r.status());
            return RestoreHttp.json(request, r);
        }
    }
}
