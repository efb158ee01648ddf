package dev.dbre.aws.backup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The sample events in {@code events/aws/}, loaded as the Lambda Java runtime would, and a context. */
public final class BackupEvents {
    public static final Path DIR = Path.of("..", "..", "events", "aws");

    private BackupEvents() {}

    public static String text(String file) {
        try {
            return Files.readString(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    public static APIGatewayV2HTTPEvent http(String file) {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            return LambdaEventSerializers.serializerFor(
                            APIGatewayV2HTTPEvent.class, BackupEvents.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A context with a request id and 60 s left (only those two are read). */
    public static Context context(String requestId) {
        return (Context) Proxy.newProxyInstance(
                BackupEvents.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAwsRequestId" -> requestId;
                    case "getRemainingTimeInMillis" -> 60_000;
                    case "toString" -> "TestContext[" + requestId + "]";
                    default -> null;
                });
    }

    /** Runs a stream handler on {@code input} and returns what it wrote. */
    public static String invoke(StreamHandler handler, String input, Context context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(stream(input), out, context);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The shape of RequestStreamHandler.handleRequest. */
    @FunctionalInterface
    public interface StreamHandler {
        void handleRequest(InputStream in, java.io.OutputStream out, Context context) throws IOException;
    }

    /**
     * The settings every backup and restore handler test starts from: region, and the embedded
     * PostgreSQL as the tool's own database (no auth, no TLS), restored databases without auth too.
     */
    public static Map<String, String> databaseEnv(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("DBRE_DB_HOST", "127.0.0.1");
        env.put("DBRE_DB_PORT", String.valueOf(db.server().port()));
        env.put("DBRE_DB_NAME", db.name());
        env.put("DBRE_DB_USER", "postgres");
        env.put("DBRE_DB_AUTH", "none");
        env.put("DBRE_DB_SSLMODE", "disable");
        env.put("DBRE_RESTORE_DB_AUTH", "none");
        return env;
    }
}
