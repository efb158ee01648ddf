package dev.dbre.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.triggers.InvocationType;
import software.amazon.awscdk.triggers.Trigger;
import software.constructs.Construct;

/**
 * The schema step, once per deployment: a CDK trigger invokes the migration function (Flyway, the
 * migrations shipped in the jar) while CloudFormation deploys the stack, after the function exists
 * and before the functions that use the schema are updated. It runs again whenever the function's
 * version changes (a new jar may bring new migrations); Flyway makes a repeat a no-op. A failed
 * migration fails the deployment, which CloudFormation rolls back.
 */
public final class SchemaMigration extends Construct {
    private final DbreFunction function;
    private final Trigger trigger;

    SchemaMigration(Construct scope, String id, FunctionPlatform platform, DbreConfig config) {
        super(scope, id);
        this.function = new DbreFunction(
                this,
                "Migrate",
                platform,
                new DbreFunction.Spec(
                        "migrate",
                        "dev.dbre.aws.migrate.MigrationHandler::handleRequest",
                        "dbre migrate: applies the schema migrations (run by the deployment)",
                        512,
                        Duration.minutes(10),
                        false,
                        1,
                        false,
                        Map.of()));
        Rds.grantConnect(function, config);
        this.trigger = Trigger.Builder.create(this, "RunOnDeploy")
                .handler(function.function())
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .timeout(Duration.minutes(10))
                .executeOnHandlerChange(true)
                .build();
    }

    /** The schema must be in place before these are updated. */
    void before(List<Construct> users) {
        trigger.executeBefore(users.toArray(Construct[]::new));
    }

    public DbreFunction function() {
        return function;
    }

    public Trigger trigger() {
        return trigger;
    }
}
