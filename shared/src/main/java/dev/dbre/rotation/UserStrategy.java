package dev.dbre.rotation;

/**
 * What differs between AWS's two PostgreSQL rotation templates; {@link RotationService} runs the
 * protocol (the gate and the four steps) and asks its strategy only these questions. One
 * implementation per {@link RotationStrategy}: {@link SingleUserStrategy}, {@link
 * AlternatingUsersStrategy}.
 */
interface UserStrategy {
    /** The configured value this strategy implements (for logs). */
    RotationStrategy kind();

    /**
     * True if CURRENT must name its engine: alternating users need it (AWS's multi-user template
     * does), a single user does not (its template does not ask).
     */
    boolean engineRequired();

    /** The user a new PENDING value is for, given CURRENT's user (createSecret). */
    String pendingUser(String currentUser);

    /**
     * setSecret's change: makes the database accept {@code pending}'s password, given as its SCRAM
     * {@code verifier}. Called only after PENDING was found not to log in yet.
     *
     * @return what was changed, for the step's result
     * @throws RotationException PENDING_MISMATCH if PENDING is not for the user and server this
     *     strategy expects, or the login and database failures of the change
     */
    String setPassword(String secretId, DbSecret current, DbSecret pending, String verifier);

    /**
     * True if testSecret must find the owner role taken from login ({@code ALTER ROLE ... SET
     * role}), which only the alternating users' setSecret arranges.
     */
    boolean ownerRoleFromLogin();
}
