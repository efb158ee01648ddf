package dev.dbre.rotation;

/**
 * Every reason a rotation step fails, defined once. The gate's four rules come first (AWS's
 * templates raise the same ones). {@link #retryable()} says whether running the same step again
 * later may succeed without anyone changing anything (the database or store was unreachable).
 */
public enum RotationError {
    /** The request itself is malformed (no secret id, no token). */
    BAD_REQUEST(false),
    /** The step name is not createSecret, setSecret, testSecret or finishSecret. */
    UNKNOWN_STEP(false),

    // The gate, run before every step.
    /** Rotation is not enabled on the secret. */
    ROTATION_DISABLED(false),
    /** The token is not a version of the secret. */
    TOKEN_NOT_A_VERSION(false),
    /** The token's version is neither staged PENDING nor CURRENT. */
    TOKEN_NOT_PENDING(false),

    /** No version is staged CURRENT (or it has no value). */
    NO_CURRENT_VALUE(false),
    /** A secret value is not a JSON object, or a field is missing or of the wrong type. */
    SECRET_INVALID(false),
    /** {@code engine} is not postgres or aurora-postgresql. */
    UNSUPPORTED_ENGINE(false),
    /** The alternate user name ({@code <user>_clone}) is longer than PostgreSQL's 63 bytes. */
    USERNAME_TOO_LONG(false),
    /** The PENDING value does not match CURRENT (other host, or a user that is not the expected one). */
    PENDING_MISMATCH(false),
    /** The PENDING version has no value (createSecret has not run for this token). */
    NO_PENDING_VALUE(false),
    /** A generated password breaks the password policy (e.g. a store generator ignored it). */
    PASSWORD_POLICY_VIOLATED(false),
    /** Neither CURRENT nor PREVIOUS can log in: the rotation cannot change the password. */
    CANNOT_LOG_IN(false),
    /** The administrator secret ({@code masterarn}) is missing, unreadable or for another host. */
    ADMIN_SECRET_INVALID(false),
    /** The database could not be reached (network, TLS handshake, server starting): retry later. */
    DATABASE_UNREACHABLE(true),
    /** The database refused a statement (privileges, a role in the way). */
    DATABASE_ERROR(false),
    /** testSecret: the PENDING value cannot log in, or cannot act as the owner role. */
    TEST_FAILED(false),
    /** The secret store failed; {@link RotationException#retryable()} follows the store's verdict. */
    STORE_ERROR(true);

    private final boolean retryable;

    RotationError(boolean retryable) {
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
