package dev.dbre.azure.rotation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.EventGridTrigger;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.TlsRoots;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.RotationTokens;
import dev.dbre.rotation.StepResult;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a PostgreSQL password kept in Key Vault when Event Grid reports {@code
 * Microsoft.KeyVault.SecretNearExpiry} for it (Event Grid schema, or CloudEvents schema with {@code
 * type}). Key Vault has no four-step driver, so one invocation runs all four steps ({@link
 * RotationService#rotateNow}) with a token derived from the event id: a redelivery resumes the same
 * rotation. The new version expires {@code DBRE_KEY_VAULT_SECRET_EXPIRY_DAYS} later, which makes Key
 * Vault send the next near-expiry event about 30 days before that.
 *
 * <p>Other event types (a version created by this very rotation, if the subscription includes
 * them) are ignored. A malformed event, an event from another vault, or a failed rotation throws:
 * Event Grid retries it and finally dead-letters it, so nothing is lost silently.
 */
public class KeyVaultRotationFunction {
    static final String NAME = "rotate-keyvault";
    static final String NEAR_EXPIRY = "Microsoft.KeyVault.SecretNearExpiry";
    private static final Logger LOG = LoggerFactory.getLogger(KeyVaultRotationFunction.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the function builds once per process. */
    record Runtime(RotationService rotation, RotationStrategy strategy, String vaultUrl) {
        /**
         * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
         */
        static Runtime fromEnv(Env env, KeyVaultSecretStore store) {
            RotationSettings settings = RotationSettings.fromEnv(env);
            // Azure Database for PostgreSQL chains to roots the Java trust store holds.
            String root = TlsRoots.forSecrets(env, DbSettings.SYSTEM_ROOTS);
            return new Runtime(
                    new RotationService(store, settings.withSslRootCert(root))
                            .withMetrics(new LogMetricsPublisher(System.out, Clock.systemUTC())),
                    settings.strategy(),
                    KeyVaultClients.vaultUrl(env));
        }
    }

    private static Runtime shared;

    private final Runtime runtime;

    /** Used by the Functions host: built from the app settings on first use. */
    public KeyVaultRotationFunction() {
        this(sharedRuntime());
    }

    KeyVaultRotationFunction(Runtime runtime) {
        this.runtime = runtime;
    }

    private static synchronized Runtime sharedRuntime() {
        if (shared == null) {
            Env env = Env.system();
            shared = Runtime.fromEnv(env, KeyVaultClients.fromEnv(env, Clock.systemUTC()));
        }
        return shared;
    }

    /**
     * @throws IllegalArgumentException if the event is not a Key Vault secret event of this vault
     * @throws dev.dbre.rotation.RotationException if the rotation fails (Event Grid retries)
     */
    @FunctionName(NAME)
    public void run(@EventGridTrigger(name = "event") String event, ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            JsonNode root = parse(event);
            String type = text(root, "eventType", "type");
            if (!NEAR_EXPIRY.equals(type)) {
                LOG.info("event {} of type {} ignored: only {} starts a rotation", text(root, "id"), type, NEAR_EXPIRY);
                return;
            }
            JsonNode data = root.path("data");
            String eventId = require(text(root, "id"), "id");
            String objectType = text(data, "ObjectType");
            if (!"Secret".equals(objectType)) {
                throw new IllegalArgumentException(
                        "event " + eventId + ": data.ObjectType is " + objectType + ", not Secret");
            }
            String secret = require(text(data, "ObjectName"), "data.ObjectName");
            String vault = require(text(data, "VaultName"), "data.VaultName");
            checkVault(eventId, vault);
            String token = RotationTokens.forEvent(vault, eventId);
            LOG.info(
                    "secret {} in vault {} near expiry (event {}): rotating with token {}",
                    secret,
                    vault,
                    eventId,
                    token);
            List<StepResult> steps = runtime.rotation().rotateNow(secret, token, runtime.strategy(), r -> {});
            LOG.info("secret {} rotated: {}", secret, steps);
        }
    }

    /** The event must come from the vault this function writes to (its first host label is the vault name). */
    private void checkVault(String eventId, String vault) {
        String host = URI.create(runtime.vaultUrl()).getHost();
        boolean ipLiteral = host.matches("[0-9.]+") || host.startsWith("[");
        if (!ipLiteral && !host.toLowerCase(Locale.ROOT).startsWith(vault.toLowerCase(Locale.ROOT) + ".")) {
            throw new IllegalArgumentException("event " + eventId + " is about vault " + vault + ", but this function"
                    + " rotates secrets in " + runtime.vaultUrl() + " (" + KeyVaultClients.VAULT_URL + ")");
        }
    }

    private static JsonNode parse(String event) {
        try {
            JsonNode root = JSON.readTree(event == null ? "" : event);
            if (root != null && root.isArray() && root.size() == 1) {
                root = root.get(0); // the webhook delivery shape: an array of one event
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("the Event Grid event is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the Event Grid event is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("the Event Grid event has no " + field);
        }
        return value;
    }

    private static String text(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && v.isValueNode() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }
}
