package dev.dbre.local.azure;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.logging.Logger;

/** The SDK's ExecutionContext as the Java worker fills it: an invocation id and a function name. */
public record SimpleExecutionContext(String getInvocationId, String getFunctionName) implements ExecutionContext {
    @Override
    public Logger getLogger() {
        return Logger.getLogger(getFunctionName);
    }
}
