package dev.dbre.aws.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.dbre.config.Env;
import dev.dbre.obs.LogContext;
import dev.dbre.rotation.MasterEndpointResolver;
import dev.dbre.rotation.RotationService;
import java.util.Map;

/**
 * The Secrets Manager rotation function: Secrets Manager invokes it four times per rotation, with
 * a {@link SecretsManagerRotationEvent} whose Step is createSecret, setSecret, testSecret or
 * finishSecret; each invocation runs that one step ({@link RotationService#rotate}). A failed step
 * throws: Lambda reports the error, Secrets Manager marks the rotation failed and retries it with
 * the same token, and every step is safe to repeat.
 *
 * <p>Configuration: {@link RotationConfig}. Passwords come from Secrets Manager's {@code
 * GetRandomPassword}. An RDS-managed master secret (alternating users) has its endpoint found
 * through RDS ({@link RdsMasterEndpointResolver}).
 */
public final class SecretsManagerRotationHandler implements RequestHandler<Map<String, String>, Void> {
    static final String NAME = "rotation";

    private final RotationService rotation;

    /**
     * Used by Lambda: the wiring of this execution environment ({@link RotationWiring}).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public SecretsManagerRotationHandler() {
        this(RotationWiring.system());
    }

    /** Tests: the configuration from {@code env}, over {@code store}. */
    SecretsManagerRotationHandler(SecretsManagerStore store, Env env) {
        this(store, MasterEndpointResolver.NONE, env);
    }

    /** Tests: the configuration from {@code env}, over {@code store} and {@code masterEndpoints}. */
    SecretsManagerRotationHandler(SecretsManagerStore store, MasterEndpointResolver masterEndpoints, Env env) {
        this(RotationWiring.of(RotationConfig.fromEnv(env), store, masterEndpoints));
    }

    /** Over a rotation core built elsewhere (the local runtime's {@code invoke}: over its local secret store). */
    public SecretsManagerRotationHandler(RotationService rotation) {
        this.rotation = rotation;
    }

    /**
     * @throws dev.dbre.rotation.RotationException when the step fails or the event is malformed
     *     (BAD_REQUEST, UNKNOWN_STEP); Secrets Manager then retries the rotation
     */
    @Override
    public Void handleRequest(Map<String, String> event, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), NAME)) {
            rotation.rotate(SecretsManagerRotationEvent.decode(event));
            return null;
        }
    }
}
