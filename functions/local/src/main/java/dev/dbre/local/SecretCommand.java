package dev.dbre.local;

import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.SecretMetadata;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code dbre secret put|get|list}: the local versioned secret store ({@code <home>/secrets}), the
 * one {@code dbre rotate} reads. A value is read from standard input
 * or a file (never from an option: options land in shell history) and printed only with {@code get
 * --show}.
 */
@Command(
        name = "secret",
        mixinStandardHelpOptions = true,
        description = {
            "Creates, updates, shows and lists secrets in the local store (<home>/secrets), as `dbre rotate`"
                    + " reads them. File format: functions/local/README.md.",
            "Values come from standard input or --from-file, never from an option, and are printed only by get --show."
        },
        subcommands = {SecretCommand.Put.class, SecretCommand.Get.class, SecretCommand.ListSecrets.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:no such secret, or the store cannot be read or written", "2:usage error"})
final class SecretCommand implements Runnable {
    @ParentCommand
    DbreCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (put, get, list)");
    }

    /** The store's folder options: --home (and the deprecated --store). */
    static final class StoreOptions {
        @Mixin
        Home home = new Home();

        @Option(names = "--store", hidden = true, paramLabel = "DIR", description = "Deprecated: --home.")
        Path store;

        LocalSecretStore open(DbreCommand parent) {
            return new LocalSecretStore(RotateCommand.secretsDir(parent, home, store), Clock.systemUTC());
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = {
                "Stores a new value of secret ID, staged AWSCURRENT (the old current one becomes AWSPREVIOUS); creates"
                        + " the secret if it does not exist.",
                "For rotation the value is the JSON of an RDS secret: {\"engine\": \"postgres\","
                        + " \"host\", \"port\", \"username\", \"password\", \"dbname\"} (docs/rotation.md)."
            })
    static final class Put implements Callable<Integer> {
        @ParentCommand
        SecretCommand secret;

        @Mixin
        StoreOptions store = new StoreOptions();

        @Parameters(paramLabel = "ID", description = "The secret's id, e.g. local/app.")
        String id;

        @Option(names = "--from-file", paramLabel = "FILE", description = "Read the value from FILE (default: stdin).")
        Path fromFile;

        @Option(
                names = "--rotation",
                negatable = true,
                description = "Whether rotation is enabled for a new secret (default: on).")
        boolean rotation = true;

        @Override
        public Integer call() throws IOException {
            DbreCommand parent = secret.parent;
            String value;
            try {
                byte[] bytes = fromFile != null ? Files.readAllBytes(fromFile) : parent.in.readAllBytes();
                value = new String(bytes, StandardCharsets.UTF_8).strip();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CliException("--from-file: no such file " + fromFile);
            }
            if (value.isEmpty()) {
                throw new CliException(
                        "no value given: pipe it in (dbre secret put " + id + " < file) or use" + " --from-file");
            }
            LocalSecretStore s = store.open(parent);
            String version;
            if (s.exists(id)) {
                version = UUID.randomUUID().toString();
                s.putValue(id, version, value, Set.of(SecretMetadata.CURRENT));
            } else {
                version = s.create(id, value, rotation);
            }
            parent.out.println("stored " + id + " version " + version + " (AWSCURRENT) in " + s.dir());
            return DbreCommand.EXIT_OK;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Shows a secret's versions and their stages; the value only with --show.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        SecretCommand secret;

        @Mixin
        StoreOptions store = new StoreOptions();

        @Parameters(paramLabel = "ID", description = "The secret's id.")
        String id;

        @Option(names = "--show", description = "Print the value of --stage (and nothing else).")
        boolean show;

        @Option(
                names = "--stage",
                defaultValue = SecretMetadata.CURRENT,
                paramLabel = "STAGE",
                description = "The version --show prints: AWSCURRENT, AWSPREVIOUS or AWSPENDING (default:"
                        + " ${DEFAULT-VALUE}).")
        String stage;

        @Override
        public Integer call() {
            DbreCommand parent = secret.parent;
            LocalSecretStore s = store.open(parent);
            if (!s.exists(id)) {
                throw new CliException("no secret " + id + " in " + s.dir() + "; `dbre secret list` shows them");
            }
            if (show) {
                String v = s.valueByStage(id, stage)
                        .orElseThrow(() -> new CliException("secret " + id + " has no version staged " + stage));
                parent.out.println(v);
                return DbreCommand.EXIT_OK;
            }
            SecretMetadata m = s.describe(id);
            parent.out.println(id + " (rotation " + (m.rotationEnabled() ? "on" : "off") + ")");
            for (Map.Entry<String, Set<String>> v : m.versionStages().entrySet()) {
                parent.out.println("  " + v.getKey() + " "
                        + String.join(",", v.getValue().stream().sorted().toList()));
            }
            parent.out.println("(values hidden; --show prints the AWSCURRENT one)");
            return DbreCommand.EXIT_OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the secrets' ids.")
    static final class ListSecrets implements Callable<Integer> {
        @ParentCommand
        SecretCommand secret;

        @Mixin
        StoreOptions store = new StoreOptions();

        @Override
        public Integer call() throws IOException {
            DbreCommand parent = secret.parent;
            LocalSecretStore s = store.open(parent);
            List<String> ids = List.of();
            if (Files.isDirectory(s.dir())) {
                try (Stream<Path> files = Files.list(s.dir())) {
                    ids = files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".json") && !n.startsWith("."))
                            .map(n -> URLDecoder.decode(n.substring(0, n.length() - 5), StandardCharsets.UTF_8))
                            .sorted()
                            .toList();
                }
            }
            if (ids.isEmpty()) {
                parent.out.println("no secrets in " + s.dir());
            }
            ids.forEach(parent.out::println);
            return DbreCommand.EXIT_OK;
        }
    }
}
