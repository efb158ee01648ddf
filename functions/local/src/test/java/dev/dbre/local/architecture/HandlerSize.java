package dev.dbre.local.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures the platform entry points (classes named {@code *Handler} or {@code *Function}, and
 * {@code *Functions}: an Azure class holding several {@code @FunctionName} methods): their code lines, not counting blank lines, comments, {@code package} and {@code import} lines. A
 * handler decodes, calls the core and encodes; one longer than {@value #LIMIT} lines says why in a
 * {@code // over 60 lines because ...} comment.
 */
final class HandlerSize {
    static final int LIMIT = 60;
    static final String EXCUSE = "// over 60 lines because ";

    private HandlerSize() {}

    /** Each entry point under {@code roots} over the limit without an excuse, as "path: N code lines". */
    static List<String> oversized(Path... roots) {
        List<String> problems = new ArrayList<>();
        for (Path root : roots) {
            for (Path file : entryPoints(root)) {
                String source = read(file);
                int lines = codeLines(source);
                if (lines > LIMIT && !excused(source)) {
                    problems.add(file + ": " + lines + " code lines (at most " + LIMIT + ", or say why in a '" + EXCUSE
                            + "...' comment)");
                }
            }
        }
        return problems;
    }

    /** The {@code .java} files under {@code root} whose class name ends in Handler, Function or Functions. */
    static List<Path> entryPoints(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no source folder " + root.toAbsolutePath());
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith("Handler.java")
                                || name.endsWith("Function.java")
                                || name.endsWith("Functions.java");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the source carries the excuse comment with a reason after it. */
    static boolean excused(String source) {
        int at = source.indexOf(EXCUSE);
        if (at < 0) {
            return false;
        }
        int end = source.indexOf('\n', at);
        return !source.substring(at + EXCUSE.length(), end < 0 ? source.length() : end)
                .isBlank();
    }

    /** Lines holding code once comments are removed: not blank, not {@code package} or {@code import}. */
    static int codeLines(String source) {
        int count = 0;
        for (String line : withoutComments(source).split("\n", -1)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("import ") && !t.startsWith("package ")) {
                count++;
            }
        }
        return count;
    }

    /** {@code source} with every comment blanked (newlines kept); string and char literals left alone. */
    static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                out.append(source, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j + 1, n);
                out.append(source, i, j);
                i = j;
            } else if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (int k = i; k < end; k++) {
                    if (source.charAt(k) == '\n') {
                        out.append('\n');
                    }
                }
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
