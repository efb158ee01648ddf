package dev.dbre.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The commands of a runbook (docs/runbooks/*.md) that are marked to run on this machine, read from
 * its fenced blocks by their info string:
 *
 * <ul>
 *   <li>{@code ```sh local}: every line is a {@code scripts/dbre} command, run in order; after a
 *       command, {@code # expect: TEXT} lines name text its output must contain and {@code # exit: N}
 *       its exit code (default 0). A line ending in {@code \} goes on on the next.
 *   <li>{@code ```sql local}: statements (each ending with {@code ;}) run against the runbook's
 *       database; {@code -- expect: TEXT} after one names text its rows must contain.
 *   <li>{@code ```sh local-pending}: a local command that needs what is not merged yet: listed, not run.
 * </ul>
 *
 * Any other block (the cloud CLIs) is left alone. Variables ({@code $NAME}, {@code ${NAME}}) are
 * expanded from the values the test gives; one it does not give is an error, as are pipes and
 * redirections, which an in-process run cannot honour.
 */
record Runbook(String file, List<Block> blocks) {
    enum Kind {
        SH,
        SQL,
        PENDING
    }

    record Block(Kind kind, int line, List<Step> steps) {}

    /** One command or statement: where it is, its text, and what its run must show. */
    record Step(int line, String text, List<String> expects, int exit) {}

    static Runbook parse(String file, String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String fence = lines[i].strip();
            if (!fence.startsWith("```") || fence.equals("```")) {
                continue;
            }
            String info = fence.substring(3).strip();
            Kind kind = switch (info) {
                case "sh local" -> Kind.SH;
                case "sql local" -> Kind.SQL;
                case "sh local-pending" -> Kind.PENDING;
                default -> null;
            };
            int start = i + 1;
            int end = start;
            while (end < lines.length && !lines[end].strip().equals("```")) {
                end++;
            }
            if (end == lines.length) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": a code block that is never closed");
            }
            if (kind != null) {
                blocks.add(new Block(kind, i + 1, steps(file, kind, lines, start, end)));
            }
            i = end;
        }
        return new Runbook(file, blocks);
    }

    private static List<Step> steps(String file, Kind kind, String[] lines, int start, int end) {
        String comment = kind == Kind.SQL ? "--" : "#";
        List<Step> steps = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int textLine = 0;
        for (int i = start; i < end; i++) {
            String line = lines[i].strip();
            if (line.startsWith(comment + " expect:") || line.startsWith(comment + " exit:")) {
                if (steps.isEmpty() && text.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": an expectation before any command");
                }
                if (!text.isEmpty()) {
                    throw new IllegalArgumentException(
                            file + ":" + (i + 1) + ": an expectation inside an unfinished command");
                }
                Step last = steps.removeLast();
                List<String> e = new ArrayList<>(last.expects());
                int code = last.exit();
                if (line.startsWith(comment + " expect:")) {
                    e.add(line.substring((comment + " expect:").length()).strip());
                } else {
                    code = Integer.parseInt(
                            line.substring((comment + " exit:").length()).strip());
                }
                steps.add(new Step(last.line(), last.text(), List.copyOf(e), code));
                continue;
            }
            if (line.isEmpty() || line.startsWith(comment)) {
                continue;
            }
            if (text.isEmpty()) {
                textLine = i + 1;
            }
            boolean continues = kind == Kind.SQL ? !line.endsWith(";") : line.endsWith("\\");
            text.append(text.isEmpty() ? "" : " ")
                    .append(
                            kind == Kind.SQL || !continues
                                    ? line
                                    : line.substring(0, line.length() - 1).strip());
            if (!continues) {
                steps.add(new Step(textLine, text.toString(), List.of(), 0));
                text.setLength(0);
            }
        }
        if (!text.isEmpty()) {
            throw new IllegalArgumentException(file + ":" + textLine + ": an unfinished command at the end of a block");
        }
        return steps;
    }

    /**
     * Splits a shell command line into words as a POSIX shell would for the simple cases a runbook
     * uses: single quotes keep everything, double quotes and bare words expand variables.
     */
    static List<String> words(String where, String command, Map<String, String> variables) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                int close = command.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException(where + ": an unclosed ' in: " + command);
                }
                word.append(command, i + 1, close);
                inWord = true;
                i = close;
            } else if (c == '"') {
                int close = command.indexOf('"', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException(where + ": an unclosed \" in: " + command);
                }
                word.append(expand(where, command.substring(i + 1, close), variables));
                inWord = true;
                i = close;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if ("|<>;&`".indexOf(c) >= 0) {
                throw new IllegalArgumentException(where + ": '" + c
                        + "' (a pipe, redirection or list) cannot run locally in-process: " + command);
            } else {
                int next = i;
                while (next < command.length()
                        && !Character.isWhitespace(command.charAt(next))
                        && "'\"|<>;&`".indexOf(command.charAt(next)) < 0) {
                    next++;
                }
                word.append(expand(where, command.substring(i, next), variables));
                inWord = true;
                i = next - 1;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Expands {@code $NAME} and {@code ${NAME}}; a name without a value is an error. */
    static String expand(String where, String text, Map<String, String> variables) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                continue;
            }
            boolean braced = i + 1 < text.length() && text.charAt(i + 1) == '{';
            int from = braced ? i + 2 : i + 1;
            int to = from;
            while (to < text.length() && (Character.isLetterOrDigit(text.charAt(to)) || text.charAt(to) == '_')) {
                to++;
            }
            String name = text.substring(from, to);
            if (name.isEmpty() || braced && (to >= text.length() || text.charAt(to) != '}')) {
                throw new IllegalArgumentException(where + ": a '$' that is not a variable in: " + text);
            }
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        where + ": $" + name + " is not one of the runbooks' variables " + variables.keySet());
            }
            out.append(value);
            i = braced ? to : to - 1;
        }
        return out.toString();
    }
}
