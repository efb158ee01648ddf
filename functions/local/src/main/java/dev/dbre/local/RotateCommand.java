package dev.dbre.local;

import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre rotate --secret ID [--strategy single|alternating] [--store DIR] [--token T] [--jdbc-url URL]}:
 * one rotation of a secret in the local versioned store, through the four steps, a line per step;
 * with {@code --jdbc-url}, each step is also recorded in {@code rotation_runs}.
 */
@Command(
        name = "rotate",
        mixinStandardHelpOptions = true,
        description = {
            "Rotates a PostgreSQL password held in the local secret store: createSecret, setSecret, testSecret,"
                    + " finishSecret, a line per step.",
            "Password policy from the environment (PASSWORD_LENGTH, EXCLUDE_CHARACTERS, EXCLUDE_NUMBERS,"
                    + " EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE, EXCLUDE_LOWERCASE, REQUIRE_EACH_INCLUDED_TYPE),"
                    + " CA bundle from DBRE_DB_SSLROOTCERT. See docs/rotation.md."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:rotated (or the token was already current)",
            "1:a step failed (the line says which rule or why); re-run with the same --token to resume",
            "2:usage error"
        })
final class RotateCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Option(names = "--secret", required = true, paramLabel = "ID", description = "The secret to rotate.")
    String secretId;

    @Option(
            names = "--strategy",
            paramLabel = "single|alternating",
            converter = OptionTypes.StrategyType.class,
            description = "Default: $" + RotationSettings.STRATEGY + ", else single.")
    RotationStrategy strategy;

    @Mixin
    Home home = new Home();

    @Option(names = "--store", hidden = true, paramLabel = "DIR", description = "Deprecated: --home (<home>/secrets).")
    Path store;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "The new version's id (default: a new UUID); pass a failed run's token to resume it.")
    String token;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            converter = Databases.UrlConverter.class,
            description = "A migrated database to record each step in (table rotation_runs, read by the SLO"
                    + " report); none when absent.")
    String jdbcUrl;

    @Option(
            names = "--user",
            paramLabel = "USER",
            description = "Database user for --jdbc-url (default: the driver's).")
    String user;

    @Override
    public Integer call() {
        RotationSettings settings = RotationSettings.fromEnv(parent.env);
        RotationStrategy s = strategy == null ? settings.strategy() : strategy;
        String t = token == null ? UUID.randomUUID().toString() : token;
        LocalSecretStore secrets = new LocalSecretStore(secretsDir(parent, home, store), Clock.systemUTC());
        RotationService service = new RotationService(secrets, settings);
        if (jdbcUrl != null) {
            service = service.withRunStore(new RotationRunStore(
                    Databases.connectAsConfigured(jdbcUrl, user, parent.env, "rotation_runs"),
                    Clock.systemUTC(),
                    "local",
                    "dbre rotate"));
        }
        parent.out.println(
                "rotating " + secretId + " (" + s.name().toLowerCase(java.util.Locale.ROOT) + ", token " + t + ")");
        service.rotateNow(secretId, t, s, r -> parent.out.println("  " + r));
        parent.out.println("done: " + secretId + " CURRENT is version " + t);
        return DbreCommand.EXIT_OK;
    }

    /** {@code <home>/secrets}, or the deprecated {@code --store DIR}. */
    static Path secretsDir(DbreCommand parent, Home home, Path store) {
        if (store != null) {
            parent.err.println("dbre: --store is deprecated; use --home (the store is <home>/secrets)");
            return store;
        }
        return Home.secretsDir(home.resolve(parent.env));
    }
}
