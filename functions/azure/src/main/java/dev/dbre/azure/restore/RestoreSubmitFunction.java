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
 * {@value #NAME}: {@code POST /api/restores} with a restore request → 202 with the run id, or the
 * refused rule's status ({@link RestoreEndpoint#submit}).
 */
public class RestoreSubmitFunction {
    static final String NAME = "restore-submit";
    private static final Logger LOG = LoggerFactory.getLogger(RestoreSubmitFunction.class);

    private final AzureBackupRuntime runtime;

    /** Used by the Functions host. */
    public RestoreSubmitFunction() {
        this(AzureBackupRuntime.shared());
    }

    public RestoreSubmitFunction(AzureBackupRuntime runtime) {
        this.runtime = runtime;
    }

    @FunctionName(NAME)
    public HttpResponseMessage submit(
            @HttpTrigger(
                            name = "request",
                            methods = {HttpMethod.POST},
                            authLevel = AuthorizationLevel.FUNCTION,
                            route = "restores",
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            RestoreEndpoint.Response r = runtime.restoreEndpoint()
                    .submit(RestoreHttp.body(request), runtime.clock().instant());
            LOG.info("restore submit: status {}", r.status());
            return RestoreHttp.json(request, r);
        }
    }
}
