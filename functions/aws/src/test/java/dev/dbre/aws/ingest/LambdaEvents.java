package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the sample events in {@code events/aws/} exactly as the Lambda Java runtime would: through
 * aws-lambda-java-serialization's {@link LambdaEventSerializers} (which base64-decodes Kinesis
 * data into a ByteBuffer, as in Lambda).
 */
final class LambdaEvents {
    /** events/aws, from the module directory (surefire's working directory). */
    static final Path DIR = Path.of("..", "..", "events", "aws");

    private LambdaEvents() {}

    static KinesisEvent kinesis(String file) {
        return load(file, KinesisEvent.class);
    }

    static APIGatewayV2HTTPEvent http(String file) {
        return load(file, APIGatewayV2HTTPEvent.class);
    }

    static <T> T load(String file, Class<T> type) {
        try (InputStream in = Files.newInputStream(DIR.resolve(file))) {
            return LambdaEventSerializers.serializerFor(type, LambdaEvents.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + DIR.resolve(file), e);
        }
    }

    /** A Lambda context with the given request id. */
    static Context context(String requestId) {
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return requestId;
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/dbre-ingest";
            }

            @Override
            public String getLogStreamName() {
                return "2026/11/23/[$LATEST]0123456789abcdef";
            }

            @Override
            public String getFunctionName() {
                return "dbre-ingest";
            }

            @Override
            public String getFunctionVersion() {
                return "$LATEST";
            }

            @Override
            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-2:123456789012:function:dbre-ingest";
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 60_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 512;
            }

            @Override
            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
