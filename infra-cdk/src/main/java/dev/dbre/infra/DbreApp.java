package dev.dbre.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.cdklabs.cdknag.ServerlessChecks;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;

/**
 * The CDK app: {@code cdk synth|deploy -c config=FILE [-c lambdaJar=JAR] [-c caBundle=PEM]}, run
 * from {@code infra-cdk/} (see {@code cdk.json}; {@code scripts/deploy aws} does all of it).
 *
 * <ul>
 *   <li>{@code config}: the deployment's JSON configuration ({@link DbreConfig}), required;
 *   <li>{@code lambdaJar}: the shaded jar of {@code functions/aws}; default: the one in {@code
 *       ../functions/aws/target};
 *   <li>{@code caBundle}: AWS's RDS global CA bundle, downloaded by {@code scripts/deploy}; default
 *       {@code target/rds-ca/global-bundle.pem}.
 * </ul>
 *
 * The cdk-nag AwsSolutions and Serverless packs run on every synthesis: an unsuppressed finding
 * fails it.
 */
public final class DbreApp {
    private DbreApp() {}

    public static void main(String[] args) {
        App app = new App();
        Object config = app.getNode().tryGetContext("config");
        if (config == null) {
            throw new IllegalArgumentException(
                    "context config is required: cdk synth -c config=config/example.json (see infra-cdk/README.md)");
        }
        Path lambdaJar = context(app, "lambdaJar").map(Path::of).orElseGet(DbreApp::defaultJar);
        Path caBundle = context(app, "caBundle").map(Path::of).orElse(Path.of("target/rds-ca/global-bundle.pem"));
        build(
                app,
                DbreConfig.load(Path.of(config.toString())),
                new DbreStack.Artifacts(lambdaJar, caBundle, Path.of("target")));
        app.synth();
    }

    /** The stack with the nag packs applied: what {@link #main} synthesizes, and what the tests check. */
    public static DbreStack build(App app, DbreConfig config, DbreStack.Artifacts artifacts) {
        DbreStack stack = new DbreStack(app, config, artifacts);
        Aspects.of(app)
                .add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        Aspects.of(app)
                .add(new ServerlessChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }

    private static java.util.Optional<String> context(App app, String key) {
        Object v = app.getNode().tryGetContext(key);
        return v == null || v.toString().isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v.toString());
    }

    private static Path defaultJar() {
        Path dir = Path.of("../functions/aws/target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "dbre-aws-*-lambda.jar")) {
            for (Path p : jars) {
                return p;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalArgumentException("context lambdaJar not given and no " + dir
                + "/dbre-aws-*-lambda.jar: build it with ./mvnw -pl functions/aws -am package");
    }
}
