package dev.dbre.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PackagedSetSketches;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jar keeps only the fastutil classes that java-hll needs (see the shade filter
 * in this module's pom): set sketches still work from that jar alone, in each of their
 * representations (exact hashes, sparse and full registers), encoded, decoded and merged.
 */
class ShadedJarIT {
    @Test
    void setSketches_workFromTheShadedJarAlone_inEveryRepresentation() throws Exception {
        Path jar = lambdaJar();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            PackagedSetSketches.assertAggregate(loader, "the shaded jar");
            URL fastutil = loader.loadClass("it.unimi.dsi.fastutil.longs.LongOpenHashSet")
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation();
            assertThat(fastutil).isEqualTo(jar.toUri().toURL());
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            long fastutilClasses = j.stream()
                    .filter(e -> e.getName().startsWith("it/unimi/dsi/fastutil/"))
                    .count();
            assertThat(fastutilClasses).isPositive().isLessThan(400);
        }
    }

    private static Path lambdaJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar"))
                    .toList();
            assertThat(jars)
                    .as("the shaded jar under target/ (built by package)")
                    .hasSize(1);
            return jars.get(0);
        }
    }
}
