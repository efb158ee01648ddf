package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.SecretMetadata;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCommandTest {
    static final String VALUE = "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":5432,"
            + "\"username\":\"app\",\"password\":\"s3cret-1\",\"dbname\":\"dbre\"}";

    static Cli put(Path home, String id, String value) {
        return Cli.run(
                Map.of(),
                new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8)),
                "secret",
                "put",
                id,
                "--home",
                home.toString());
    }

    @Test
    void putFromStdin_thenGet_showsVersionsButNotTheValue_unlessAsked(@TempDir Path home) {
        Cli first = put(home, "local/app", VALUE);
        Cli second = put(home, "local/app", VALUE.replace("s3cret-1", "s3cret-2"));
        Cli get = Cli.run("secret", "get", "local/app", "--home", home.toString());
        Cli show = Cli.run("secret", "get", "local/app", "--show", "--home", home.toString());
        Cli previous =
                Cli.run("secret", "get", "local/app", "--show", "--stage", "AWSPREVIOUS", "--home", home.toString());
        Cli list = Cli.run("secret", "list", "--home", home.toString());

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("stored local/app version ").doesNotContain("s3cret");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(get.exitCode()).isZero();
        assertThat(get.out()).contains("AWSCURRENT").contains("AWSPREVIOUS").doesNotContain("s3cret");
        assertThat(show.out().strip()).isEqualTo(VALUE.replace("s3cret-1", "s3cret-2"));
        assertThat(previous.out().strip()).isEqualTo(VALUE);
        assertThat(list.out().strip()).isEqualTo("local/app");
        // The store rotate and DBRE_DB_AUTH=secret read: <home>/secrets.
        assertThat(new LocalSecretStore(home.resolve("secrets"), Clock.systemUTC())
                        .valueByStage("local/app", SecretMetadata.CURRENT))
                .contains(VALUE.replace("s3cret-1", "s3cret-2"));
    }

    @Test
    void anUnknownSecret_exitsOne_sayingHowToListThem(@TempDir Path home) {
        Cli r = Cli.run("secret", "get", "nope", "--home", home.toString());

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).contains("no secret nope in").contains("dbre secret list");
    }

    @Test
    void anEmptyValue_isRefused(@TempDir Path home) {
        Cli r = put(home, "x", "");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).contains("no value given");
    }
}
