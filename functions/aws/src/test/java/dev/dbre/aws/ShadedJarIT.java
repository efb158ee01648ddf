package dev.dbre.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
            Class<?> seriesType = loader.loadClass("dev.dbre.metrics.SeriesType");
            Class<?> aggregate = loader.loadClass("dev.dbre.metrics.Aggregate");
            Object set = seriesType.getField("SET").get(null);
            Method addMember = aggregate.getMethod("addMember", byte[].class, int.class, int.class);
            Method encode = aggregate.getMethod("encodeState");
            Method mergeRow = aggregate.getMethod(
                    "mergeRow",
                    double.class,
                    Double.class,
                    Double.class,
                    Double.class,
                    Double.class,
                    Long.class,
                    byte[].class);
            Method distinct = aggregate.getMethod("distinctCount");

            // 100 members: exact hashes; 2,000: sparse registers; 100,000: full registers.
            for (int members : new int[] {100, 2_000, 100_000}) {
                Object written = aggregate.getConstructor(seriesType).newInstance(set);
                for (int i = 0; i < members; i++) {
                    byte[] member = ("user-" + i).getBytes(StandardCharsets.UTF_8);
                    addMember.invoke(written, member, 0, member.length);
                }
                Object read = aggregate.getConstructor(seriesType).newInstance(set);
                mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
                mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
                assertThat((double) distinct.invoke(read))
                        .as("distinct members of %d, through the shaded jar", members)
                        .isCloseTo(members, withinPercentage(5));
            }
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
