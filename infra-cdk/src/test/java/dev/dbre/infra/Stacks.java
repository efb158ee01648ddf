package dev.dbre.infra;

import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks under test, each synthesized once per test JVM (synthesis with the nag packs takes
 * seconds): {@link #full()} from {@code config/example.json} (every function group), {@link
 * #minimal()} from {@code src/test/resources/minimal.json} (ingest only, an existing stream, JWT).
 */
final class Stacks {
    record Synthesized(
            App app, DbreStack stack, Template template, Map<String, Object> json, Path staging, Path bundle) {}

    private static Synthesized full;
    private static Synthesized minimal;

    private Stacks() {}

    static synchronized Synthesized full() {
        if (full == null) {
            full = synth(Path.of("config/example.json"));
        }
        return full;
    }

    static synchronized Synthesized minimal() {
        if (minimal == null) {
            minimal = synth(Path.of("src/test/resources/minimal.json"));
        }
        return minimal;
    }

    static Synthesized synth(Path config) {
        Path dir = TestFiles.tmp("stack");
        App app = new App();
        Path bundle = TestFiles.rdsBundle(dir);
        DbreStack stack = DbreApp.build(
                app, DbreConfig.load(config), new DbreStack.Artifacts(TestFiles.lambdaJar(dir), bundle, dir));
        Template template = Template.fromStack(stack);
        return new Synthesized(app, stack, template, template.toJSON(), dir, bundle);
    }
}
