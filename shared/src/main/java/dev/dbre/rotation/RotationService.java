package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PENDING;

import dev.dbre.db.SqlStates;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.PasswordPolicy;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.StepResult.Action;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a PostgreSQL password with Secrets Manager's four-step protocol, over any {@link
 * SecretStore}. Every step first runs the gate (rotation enabled; the token is a version of the
 * secret; it is staged PENDING; if it is already CURRENT, nothing to do) and every step is safe to
 * repeat: each looks at the state it would change before changing it.
 *
 * <ol>
 *   <li>createSecret: a new value staged PENDING under the token (kept if it exists), with a new
 *       password, and for alternating users the other user name.
 *   <li>setSecret: makes the database accept it (single: the user changes its own password,
 *       logging in with CURRENT or else PREVIOUS; alternating: after proving CURRENT logs in, the
 *       administrator secret creates or updates the other user).
 *   <li>testSecret: logs in with PENDING, runs a query, takes the owner role if configured.
 *   <li>finishSecret: CURRENT moves to the token, the old version becomes PREVIOUS, and the
 *       token's PENDING label is removed.
 * </ol>
 *
 * What differs between single user and alternating users (the pending user, the engine rule, how
 * setSecret changes the password, testSecret's owner-role check) is a {@link UserStrategy}: {@link
 * SingleUserStrategy} or {@link AlternatingUsersStrategy}, picked from the {@link RotationStrategy}
 * asked for.
 *
 * <p>Passwords reach the database only as SCRAM verifiers, and no message or log line holds a
 * password or a secret value.
 */
public final class RotationService {
    private static final Logger LOG = LoggerFactory.getLogger(RotationService.class);
    /** The {@code function} dimension of the rotation metrics. */
    static final String METRICS_FUNCTION = "rotation";

    private final SecretStore store;
    private final SecretConnector connector;
    private final RotationSettings settings;
    private final PasswordGenerator generator;
    private final SecureRandom random;
    private final MasterEndpointResolver masterEndpoints;
    /** Null: no metrics. */
    private final MetricsPublisher metrics;
    /** Null: steps are not recorded in {@code rotation_runs}. */
    private final RotationRunStore runs;

    public RotationService(
            SecretStore store,
            SecretConnector connector,
            RotationSettings settings,
            PasswordGenerator generator,
            SecureRandom random) {
        this(store, connector, settings, generator, random, MasterEndpointResolver.NONE);
    }

    /**
     * @param masterEndpoints finds host and port of an administrator secret that has none (an
     *     RDS-managed master secret); {@link MasterEndpointResolver#NONE} refuses such a secret
     */
    public RotationService(
            SecretStore store,
            SecretConnector connector,
            RotationSettings settings,
            PasswordGenerator generator,
            SecureRandom random,
            MasterEndpointResolver masterEndpoints) {
        this(store, connector, settings, generator, random, masterEndpoints, null, null);
    }

    private RotationService(
            SecretStore store,
            SecretConnector connector,
            RotationSettings settings,
            PasswordGenerator generator,
            SecureRandom random,
            MasterEndpointResolver masterEndpoints,
            MetricsPublisher metrics,
            RotationRunStore runs) {
        this.store = store;
        this.connector = connector;
        this.settings = settings;
        this.generator = generator;
        this.random = random;
        this.masterEndpoints = masterEndpoints;
        this.metrics = metrics;
        this.runs = runs;
    }

    /**
     * This service, publishing per step {@value MetricNames#ROTATION_STEPS_COMPLETED} or {@value
     * MetricNames#ROTATION_FAILURES} (dimensions {@code function=rotation}, {@code step}, and for
     * failures {@code error}) through {@code metrics}.
     */
    public RotationService withMetrics(MetricsPublisher metrics) {
        return new RotationService(store, connector, settings, generator, random, masterEndpoints, metrics, runs);
    }

    /**
     * This service, recording each step's outcome in {@code rotation_runs} through {@code runs} (for
     * the SLO report). A failure to record is logged and counted ({@value
     * MetricNames#ROTATION_RUNS_NOT_RECORDED}) and never fails the step.
     */
    public RotationService withRunStore(RotationRunStore runs) {
        return new RotationService(store, connector, settings, generator, random, masterEndpoints, metrics, runs);
    }

    /** With PgJDBC connections (CA bundle from the settings) and a SecureRandom generator. */
    public RotationService(SecretStore store, RotationSettings settings) {
        this(store, settings, MasterEndpointResolver.NONE);
    }

    /** With PgJDBC connections, a SecureRandom generator and {@code masterEndpoints}. */
    public RotationService(SecretStore store, RotationSettings settings, MasterEndpointResolver masterEndpoints) {
        this(
                store,
                new PgSecretConnector(settings.sslRootCert(), settings.timeouts()),
                settings,
                new PasswordGenerator(),
                new SecureRandom(),
                masterEndpoints);
    }

    /** Runs one step with the configured strategy. See {@link #rotate(RotationRequest, RotationStrategy)}. */
    public StepResult rotate(RotationRequest request) {
        return rotate(request, settings.strategy());
    }

    /**
     * Runs one step of a rotation (what a Secrets Manager rotation handler calls per event).
     *
     * @return what the step did ({@link Action#ALREADY_CURRENT} when the token is already current)
     * @throws RotationException naming the rule or failure ({@link RotationError}); {@link
     *     RotationException#retryable()} says whether the same step may succeed later unchanged
     */
    public StepResult rotate(RotationRequest request, RotationStrategy kind) {
        UserStrategy strategy = strategy(kind);
        try {
            StepResult result = gate(request);
            if (result == null) {
                result = switch (request.step()) {
                    case CREATE_SECRET -> createSecret(request, strategy);
                    case SET_SECRET -> setSecret(request, strategy);
                    case TEST_SECRET -> testSecret(request, strategy);
                    case FINISH_SECRET -> finishSecret(request);
                };
            }
            LOG.info(
                    "rotation {} of secret {} (token {}, {}): {}",
                    request.step().wireName(),
                    request.secretId(),
                    request.token(),
                    strategy.kind().name().toLowerCase(java.util.Locale.ROOT),
                    result.action() + (result.detail() == null ? "" : " " + result.detail()));
            publish(request, null);
            recordRun(request, strategy.kind(), result, null);
            return result;
        } catch (RotationException e) {
            publish(request, e.error());
            recordRun(request, strategy.kind(), null, e.error());
            LOG.warn(
                    "rotation {} of secret {} (token {}) failed: {}",
                    request.step().wireName(),
                    request.secretId(),
                    request.token(),
                    e.getMessage());
            throw e;
        }
    }

    /** The one place the configured value picks its implementation. */
    private UserStrategy strategy(RotationStrategy kind) {
        return switch (kind) {
            case SINGLE -> new SingleUserStrategy(store, connector);
            case ALTERNATING -> new AlternatingUsersStrategy(store, connector, masterEndpoints);
        };
    }

    /** Writes the step's row; a failure is logged and counted, never thrown: the step's outcome stands. */
    private void recordRun(RotationRequest request, RotationStrategy kind, StepResult result, RotationError error) {
        if (runs == null) {
            return;
        }
        try {
            runs.record(request, kind, result, error);
        } catch (Exception e) {
            // The class and SQLSTATE only: a driver message may quote the row (never a password here,
            // but the rule is kept simple).
            LOG.warn(
                    "rotation {} of secret {} (token {}) not recorded in rotation_runs: {}",
                    request.step().wireName(),
                    request.secretId(),
                    request.token(),
                    e.getClass().getSimpleName() + (e instanceof SQLException s ? " SQLSTATE " + s.getSQLState() : ""));
            if (metrics != null) {
                metrics.publish(
                        Map.of(
                                "function",
                                METRICS_FUNCTION,
                                "step",
                                request.step().wireName()),
                        List.of(Metric.count(MetricNames.ROTATION_RUNS_NOT_RECORDED, 1)));
            }
        }
    }

    /** One count per step: completed, or failed with its error. Never throws (the publisher's contract). */
    private void publish(RotationRequest request, RotationError failure) {
        if (metrics == null) {
            return;
        }
        if (failure == null) {
            metrics.publish(
                    Map.of("function", METRICS_FUNCTION, "step", request.step().wireName()),
                    List.of(Metric.count(MetricNames.ROTATION_STEPS_COMPLETED, 1)));
        } else {
            metrics.publish(
                    Map.of("function", METRICS_FUNCTION, "step", request.step().wireName(), "error", failure.name()),
                    List.of(Metric.count(MetricNames.ROTATION_FAILURES, 1)));
        }
    }

    /**
     * A whole rotation driven by us, for stores with no rotation service of their own (the local
     * store, Key Vault, Secret Manager): stages the token's PENDING value unless the token is
     * already a version, then runs the four steps. Re-running it with the same token after a
     * failure or a crash picks up where it stopped.
     *
     * @param onStep told of each step as it completes
     * @return the four steps' results
     * @throws RotationException as {@link #rotate(RotationRequest, RotationStrategy)}; the steps
     *     done before it stay done
     */
    public List<StepResult> rotateNow(
            String secretId, String token, RotationStrategy strategy, Consumer<StepResult> onStep) {
        SecretMetadata meta = store(() -> store.describe(secretId), "describe " + secretId);
        if (!meta.rotationEnabled()) {
            throw new RotationException(RotationError.ROTATION_DISABLED, "rotation is not enabled on " + secretId);
        }
        if (!meta.versionStages().containsKey(token)) {
            begin(secretId, token, strategy(strategy));
        }
        List<StepResult> results = new ArrayList<>(4);
        for (RotationStep step : RotationStep.values()) {
            StepResult r = rotate(new RotationRequest(secretId, token, step), strategy);
            results.add(r);
            onStep.accept(r);
        }
        return results;
    }

    /**
     * Makes {@code token} a version staged PENDING, as Secrets Manager's RotateSecret does before
     * the first step: value-less where the store can hold that ({@link SecretStore#beginVersion}),
     * else already with its new value (createSecret then keeps it).
     */
    private void begin(String secretId, String token, UserStrategy strategy) {
        if (store(() -> store.beginVersion(secretId, token), "begin version " + token)) {
            return;
        }
        DbSecret current = currentSecret(secretId);
        requireEngine(current, strategy, secretId);
        DbSecret pending = newPendingValue(current, strategy);
        store(() -> store.putValue(secretId, token, pending.toJson(), Set.of(PENDING)), "put PENDING");
    }

    // ---- the gate ----

    /** Null when the step must run; a result when the token is already CURRENT. */
    private StepResult gate(RotationRequest r) {
        String id = r.secretId();
        SecretMetadata meta = store(() -> store.describe(id), "describe " + id);
        if (!meta.rotationEnabled()) {
            throw new RotationException(RotationError.ROTATION_DISABLED, "rotation is not enabled on secret " + id);
        }
        Set<String> stages = meta.versionStages().get(r.token());
        if (stages == null) {
            throw new RotationException(
                    RotationError.TOKEN_NOT_A_VERSION, "token " + r.token() + " is not a version of secret " + id);
        }
        if (stages.contains(CURRENT)) {
            if (r.step() == RotationStep.FINISH_SECRET && stages.contains(PENDING)) {
                removePendingLabel(id, r.token());
            }
            return new StepResult(id, r.token(), r.step(), Action.ALREADY_CURRENT, null);
        }
        if (!stages.contains(PENDING)) {
            throw new RotationException(
                    RotationError.TOKEN_NOT_PENDING,
                    "version " + r.token() + " of secret " + id + " is not staged " + PENDING + " (stages: " + stages
                            + ")");
        }
        return null;
    }

    // ---- the steps ----

    private StepResult createSecret(RotationRequest r, UserStrategy strategy) {
        DbSecret current = currentSecret(r.secretId());
        requireEngine(current, strategy, r.secretId());
        Optional<String> existing =
                store(() -> store.valueByVersion(r.secretId(), r.token(), PENDING), "read the PENDING value");
        if (existing.isPresent()) {
            return new StepResult(r.secretId(), r.token(), r.step(), Action.PENDING_KEPT, null);
        }
        DbSecret pending = newPendingValue(current, strategy);
        store(() -> store.putValue(r.secretId(), r.token(), pending.toJson(), Set.of(PENDING)), "put PENDING");
        return new StepResult(r.secretId(), r.token(), r.step(), Action.PENDING_CREATED, "user " + pending.username());
    }

    private DbSecret newPendingValue(DbSecret current, UserStrategy strategy) {
        String password = newPassword();
        return current.with(strategy.pendingUser(current.username()), password);
    }

    private StepResult setSecret(RotationRequest r, UserStrategy strategy) {
        String id = r.secretId();
        DbSecret current = currentSecret(id);
        DbSecret pending = pendingSecret(r);
        if (canLogIn(pending)) {
            return new StepResult(id, r.token(), r.step(), Action.ALREADY_SET, "PENDING already logs in");
        }
        String verifier = verifier(pending.password());
        String changed = strategy.setPassword(id, current, pending, verifier);
        return new StepResult(id, r.token(), r.step(), Action.PASSWORD_SET, changed);
    }

    private StepResult testSecret(RotationRequest r, UserStrategy strategy) {
        DbSecret pending = pendingSecret(r);
        String owner = pending.ownerRole();
        try (Connection c = connector.open(pending)) {
            String problem = PgRoles.check(c, owner, strategy.ownerRoleFromLogin());
            if (problem != null) {
                throw new RotationException(
                        RotationError.TEST_FAILED, "PENDING of " + r.secretId() + " logs in, but " + problem);
            }
        } catch (SQLException e) {
            throw dbFailure(
                    RotationError.TEST_FAILED,
                    "PENDING of " + r.secretId() + " (user " + pending.username() + ") failed its test",
                    e,
                    pending.password());
        }
        return new StepResult(
                r.secretId(),
                r.token(),
                r.step(),
                Action.TESTED,
                "user " + pending.username() + " logs in" + (owner == null ? "" : " and acts as " + owner));
    }

    private StepResult finishSecret(RotationRequest r) {
        String id = r.secretId();
        SecretMetadata meta = store(() -> store.describe(id), "describe " + id);
        String from = meta.versionWith(CURRENT);
        store(() -> store.moveStage(id, CURRENT, r.token(), from), "move " + CURRENT);
        removePendingLabel(id, r.token());
        return new StepResult(id, r.token(), r.step(), Action.FINISHED, "previous version " + from);
    }

    /**
     * AWS's templates leave PENDING on the new current version (their #168); we take it off. The
     * rotation has already succeeded when this runs, so a failure here is logged, not raised: the
     * label moves away at the next rotation's put anyway.
     */
    private void removePendingLabel(String id, String token) {
        try {
            store.moveStage(id, PENDING, null, token);
        } catch (RuntimeException e) {
            LOG.warn(
                    "rotation of secret {}: could not remove {} from version {}: {}", id, PENDING, token, e.toString());
        }
    }

    // ---- reading secrets ----

    private DbSecret currentSecret(String id) {
        String value = store(() -> store.valueByStage(id, CURRENT), "read CURRENT")
                .orElseThrow(() -> new RotationException(
                        RotationError.NO_CURRENT_VALUE, "secret " + id + " has no CURRENT value"));
        return DbSecret.parse(value, "the CURRENT value of secret " + id);
    }

    private DbSecret pendingSecret(RotationRequest r) {
        String value = store(() -> store.valueByVersion(r.secretId(), r.token(), PENDING), "read PENDING")
                .orElseThrow(() -> new RotationException(
                        RotationError.NO_PENDING_VALUE,
                        "version " + r.token() + " of secret " + r.secretId() + " has no PENDING value"));
        return DbSecret.parse(value, "the PENDING value of secret " + r.secretId());
    }

    static void requireEngine(DbSecret current, UserStrategy strategy, String id) {
        String engine = current.engine();
        if (engine == null && !strategy.engineRequired()) {
            return; // AWS's single-user template does not ask for it either
        }
        if (engine == null || !DbSecret.ENGINES.contains(engine)) {
            throw new RotationException(
                    RotationError.UNSUPPORTED_ENGINE,
                    "the CURRENT value of " + id + " has engine " + engine + "; expected one of " + DbSecret.ENGINES);
        }
    }

    /** {@code <user>_clone}, or {@code <user>} from {@code <user>_clone}: {@link AlternatingUsersStrategy#alternateUser}. */
    static String alternateUser(String user) {
        return AlternatingUsersStrategy.alternateUser(user);
    }

    // ---- passwords and logins ----

    private String newPassword() {
        PasswordPolicy policy = settings.passwordPolicy();
        Optional<String> fromStore = store(() -> store.generatePassword(policy), "generate a password");
        String password = fromStore.orElseGet(() -> generator.generate(policy));
        PasswordGenerator.check(password, policy);
        return password;
    }

    private String verifier(String password) {
        // A PENDING value written by hand (not by createSecret) is checked here too: SCRAM needs
        // printable ASCII to match what the server computes.
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new RotationException(
                        RotationError.PASSWORD_POLICY_VIOLATED,
                        "the PENDING password has a character outside printable ASCII at position " + i);
            }
        }
        return ScramVerifier.of(password, random);
    }

    /** True if {@code secret} logs in; false if the login is refused; throws if unreachable. */
    private boolean canLogIn(DbSecret secret) {
        try (Connection ignored = connector.open(secret)) {
            return true;
        } catch (SQLException e) {
            if (isLoginRefused(e)) {
                return false;
            }
            throw dbFailure(
                    RotationError.DATABASE_UNREACHABLE, "could not reach " + secret.host(), e, secret.password());
        }
    }

    static boolean isLoginRefused(SQLException e) {
        String state = SqlStates.sqlState(e);
        return "28P01".equals(state) || "28000".equals(state);
    }

    /**
     * A database failure as a RotationException: refused logins as {@code onRefusal}, transient
     * faults as {@link RotationError#DATABASE_UNREACHABLE}, the rest as {@code DATABASE_ERROR}.
     * The driver's message is cut to its first line and every secret given is masked.
     */
    static RotationException dbFailure(RotationError onRefusal, String what, SQLException e, String... secrets) {
        String state = SqlStates.sqlState(e);
        RotationError error;
        if (isLoginRefused(e)) {
            error = onRefusal;
        } else if (SqlStates.isTransient(e)) {
            error = RotationError.DATABASE_UNREACHABLE;
        } else {
            error = onRefusal == RotationError.TEST_FAILED ? RotationError.TEST_FAILED : RotationError.DATABASE_ERROR;
        }
        String detail = Redact.firstLine(e.getMessage(), secrets);
        if (detail.contains("SSL") || detail.contains("certificate")) {
            detail += " (TLS with certificate verification is required unless the secret says \"ssl\": false;"
                    + " the CA bundle comes from " + dev.dbre.db.DbSettings.SSLROOTCERT + ")";
        }
        return new RotationException(error, what + ": " + detail, error.retryable(), state);
    }

    static <T> T store(Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (SecretStoreException e) {
            throw new RotationException(RotationError.STORE_ERROR, what + ": " + e.getMessage(), e.retryable(), null);
        }
    }

    static void store(Runnable call, String what) {
        store(
                () -> {
                    call.run();
                    return null;
                },
                what);
    }
}
