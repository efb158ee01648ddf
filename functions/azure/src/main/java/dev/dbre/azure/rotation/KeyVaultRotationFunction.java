package dev.dbre.azure.rotation;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.dbre.azure.trigger.EventGridEvent;
import dev.dbre.obs.LogContext;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationTokens;
import dev.dbre.rotation.StepResult;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a PostgreSQL password kept in Key Vault when Event Grid reports {@code
 * Microsoft.KeyVault.SecretNearExpiry} for it ({@link SecretNearExpiry}; Event Grid schema, or
 * CloudEvents schema with {@code type}). Key Vault has no four-step driver, so one invocation runs
 * all four steps ({@link RotationService#rotateNow}) with a token derived from the event id: a
 * redelivery resumes the same rotation. The new version expires {@code
 * DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS} later, which makes Key Vault send the next near-expiry event
 * about 30 days before that.
 *
 * <p>Other event types (a version created by this very rotation, if the subscription includes
 * them) are ignored. A malformed event, an event from another vault, or a failed rotation throws:
 * Event Grid retries it and finally dead-letters it, so nothing is lost silently.
 */
public class KeyVaultRotationFunction {
    static final String NAME = "rotate-keyvault";
    private static final Logger LOG = LoggerFactory.getLogger(KeyVaultRotationFunction.class);

    private final KeyVaultRotationRuntime runtime;

    /** Used by the Functions host: built from the app settings on first use. */
    public KeyVaultRotationFunction() {
        this(KeyVaultRotationRuntime.SHARED.get());
    }

    /** Over a runtime built elsewhere (tests; the local runtime's {@code invoke}: over its local secret store). */
    public KeyVaultRotationFunction(KeyVaultRotationRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws IllegalArgumentException if the event is not a Key Vault secret event of this vault
     * @throws dev.dbre.rotation.RotationException if the rotation fails (Event Grid retries)
     */
    @FunctionName(NAME)
    public void run(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            EventGridEvent decoded = EventGridEvent.parse(event);
            Optional<SecretNearExpiry> nearExpiry = SecretNearExpiry.of(decoded);
            if (nearExpiry.isEmpty()) {
                LOG.info(
                        "event {} of type {} ignored: only {} starts a rotation",
                        decoded.id().orElse(null),
                        decoded.type().orElse(null),
                        SecretNearExpiry.TYPE);
                return;
            }
            SecretNearExpiry e = nearExpiry.get();
            e.requireVault(runtime.vaultUrl());
            String token = RotationTokens.forEvent(e.vaultName(), e.eventId());
            LOG.info(
                    "secret {} in vault {} near expiry (event {}): rotating with token {}",
                    e.secretName(),
                    e.vaultName(),
                    e.eventId(),
                    token);
            List<StepResult> steps = runtime.rotation().rotateNow(e.secretName(), token, runtime.strategy(), r -> {});
            LOG.info("secret {} rotated: {}", e.secretName(), steps);
        }
    }
}
