package dev.dbre.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PackagedSetSketches;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The function app folder that {@code azure-functions:package} writes (what a deploy publishes)
 * carries no fastutil jar, only the few fastutil classes java-hll uses (unpacked into the
 * function jar, see this module's pom), stays under a size bound, and works from its own files
 * alone: every function's entry point class loads, and set sketches aggregate, encode, decode
 * and merge in each of their representations.
 */
class PackageIT {
    /** The app folder is about 30 MB; it was about 47 MB with fastutil's 17 MB jar in lib/. */
    private static final long MAX_APP_BYTES = 36L * 1024 * 1024;

    private static final Pattern ENTRY_POINT = Pattern.compile("\"entryPoint\"\\s*:\\s*\"([^\"]+)\\.([^.\"]+)\"");

    @Test
    void theAppFolder_hasNoFastutilJar_staysSmall_andItsFunctionsLoadAndAggregateSets() throws Exception {
        Path app = Path.of("target/azure-functions/dbre-functions");
        assertThat(app.resolve("host.json"))
                .as("the app folder built by package")
                .exists();
        List<Path> jars = new ArrayList<>();
        long bytes;
        try (Stream<Path> files = Files.walk(app)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            bytes = 0;
            for (Path f : all) {
                bytes += Files.size(f);
                if (f.toString().endsWith(".jar")) {
                    jars.add(f);
                }
            }
        }
        assertThat(jars).extracting(p -> p.getFileName().toString()).noneMatch(n -> n.startsWith("fastutil"));
        assertThat(bytes).as("bytes of the app folder").isLessThan(MAX_APP_BYTES);

        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
            urls.add(j.toUri().toURL());
        }
        // The Azure Functions Java library (not in lib/): the Functions host supplies it.
        urls.add(com.microsoft.azure.functions.ExecutionContext.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation());
        try (URLClassLoader loader =
                new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            int functions = 0;
            try (Stream<Path> dirs = Files.list(app)) {
                for (Path json : dirs.map(d -> d.resolve("function.json"))
                        .filter(Files::exists)
                        .toList()) {
                    Matcher m = ENTRY_POINT.matcher(Files.readString(json));
                    assertThat(m.find()).as("entryPoint in %s", json).isTrue();
                    Class<?> handler = Class.forName(m.group(1), true, loader);
                    assertThat(Stream.of(handler.getMethods()).map(Method::getName))
                            .as("%s", json)
                            .contains(m.group(2));
                    functions++;
                }
            }
            assertThat(functions).isPositive();
            PackagedSetSketches.assertAggregate(loader, "the package");
            URL fastutil = loader.loadClass("it.unimi.dsi.fastutil.longs.LongOpenHashSet")
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation();
            assertThat(fastutil.getPath()).contains("dbre-azure");
        }
    }
}
