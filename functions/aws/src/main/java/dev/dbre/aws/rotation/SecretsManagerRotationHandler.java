package dev.dbre.aws.rotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.dbre.aws.backup.RdsClients;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.db.TlsRoots;
import dev.dbre.obs.LogContext;
import dev.dbre.rotation.MasterEndpointResolver;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The Secrets Manager rotation function: Secrets Manager invokes it four times per rotation, with
 * {@code {"SecretId", "ClientRequestToken", "Step"}} and Step = createSecret, setSecret, testSecret,
 * finishSecret; each invocation runs that one step ({@link RotationService#rotate}). A failed step
 * throws: Lambda reports the error, Secrets Manager marks the rotation failed and retries it with
 * the same token, and every step is safe to repeat.
 *
 * <p>Configuration: {@link RotationSettings} (strategy and password policy, under AWS's template
 * names), {@code DBRE_DB_SSLROOTCERT} (required: the RDS CA bundle, which no public trust store
 * holds), {@code AWS_REGION}, optional {@code DBRE_SECRETS_ENDPOINT}. Passwords come from
 * Secrets Manager's {@code GetRandomPassword}. An RDS-managed master secret (alternating users)
 * has its endpoint found through RDS ({@link RdsMasterEndpointResolver}).
 */
public final class SecretsManagerRotationHandler implements RequestHandler<Map<String, String>, Void> {
    static final String NAME = "rotation";

    private final RotationService rotation;

    /**
     * Used by Lambda: built from the environment, once per instance.
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public SecretsManagerRotationHandler() {
        this(Env.system());
    }

    SecretsManagerRotationHandler(Env env) {
        this(SecretsManagerClients.fromEnv(env), env);
    }

    private SecretsManagerRotationHandler(SecretsManagerClient client, Env env) {
        this(
                new SecretsManagerStore(client),
                // RDS clients are built on first use: only for an RDS-managed master secret.
                new RdsMasterEndpointResolver(
                        client, RdsClients.standard(), env.required(SecretsManagerClients.AWS_REGION)),
                env);
    }

    SecretsManagerRotationHandler(SecretsManagerStore store, Env env) {
        this(store, MasterEndpointResolver.NONE, env);
    }

    SecretsManagerRotationHandler(SecretsManagerStore store, MasterEndpointResolver masterEndpoints, Env env) {
        RotationSettings settings = RotationSettings.fromEnv(env);
        String root = TlsRoots.forSecrets(env, null);
        this.rotation = new RotationService(store, settings.withSslRootCert(root), masterEndpoints)
                .withMetrics(new EmfMetricsPublisher());
    }

    /**
     * @throws dev.dbre.rotation.RotationException when the step fails or the event is malformed
     *     (BAD_REQUEST, UNKNOWN_STEP); Secrets Manager then retries the rotation
     */
    @Override
    public Void handleRequest(Map<String, String> event, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), NAME)) {
            rotation.rotate(
                    RotationRequest.of(event.get("SecretId"), event.get("ClientRequestToken"), event.get("Step")));
            return null;
        }
    }
}
