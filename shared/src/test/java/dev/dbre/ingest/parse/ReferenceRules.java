package dev.dbre.ingest.parse;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.RejectReason;
import dev.dbre.ingest.parse.reference.RefDogStatsdParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that changed since the frozen reference parser ({@link RefDogStatsdParser}), written
 * as a rewrite of a line into the reference's language, so the equivalence test can keep using
 * the reference as its oracle for every line (issue 8, "what real DogStatsD clients send"):
 *
 * <ul>
 *   <li>a field its kind of line does not know is skipped and counted: the rewrite drops it;
 *   <li>an empty tag section {@code |#} is no tags: the rewrite gives it one marker tag (the only
 *       tag of the line; a second {@code #} field is a duplicate either way), removed from the
 *       reference's result;
 *   <li>a service check's message ends before a run of trailing {@code c: e: card: d: h: #}
 *       fields: the rewrite moves that run before {@code m:}, where the reference reads it;
 *   <li>{@code \n} in an event's title or text is a line break: the slices stay as written and a
 *       flag says so, so the rewrite changes nothing and the expected flag is computed here.
 * </ul>
 *
 * The rewrite is a plain String split, written independently of the parser's byte loops. A line
 * the reference refuses before any field (too long, not UTF-8) is not rewritten: both refuse it
 * first. The rewritten line is parsed with a line limit that lets its new length through, since
 * the original line already passed the real limit.
 */
final class ReferenceRules {
    static final String MARKER_TAG = "~";

    private static final String[] METRIC = {"#", "@", "T", "c:", "e:", "card:"};
    private static final String[] CHECK = {"#", "c:", "e:", "card:", "d:", "h:", "m:"};
    private static final String[] EVENT = {"#", "c:", "e:", "card:", "d:", "h:", "k:", "p:", "s:", "t:"};
    private static final String[] AFTER_MESSAGE = {"#", "c:", "e:", "card:", "d:", "h:"};

    private ReferenceRules() {}

    /**
     * The reference's result for {@code ref} (a line the reference just parsed, from {@code buf}),
     * under today's rules: either {@code ref} itself (with the event flag set) or the reference's
     * result for the rewritten line, placed back at the original line's position.
     */
    static ParsedLine expected(byte[] buf, ParsedLine ref, ParseLimits limits) {
        if (ref.kind == ParsedLine.Kind.REJECT
                && (ref.reason == RejectReason.LINE_TOO_LONG || ref.reason == RejectReason.BAD_UTF8)) {
            return ref;
        }
        String line = new String(buf, ref.lineOff, ref.lineLen, StandardCharsets.ISO_8859_1);
        Rewrite r = rewrite(line);
        ParsedLine out = ref;
        if (r != null) {
            byte[] b = r.line.getBytes(StandardCharsets.ISO_8859_1);
            ParseLimits wider = new ParseLimits(
                    Math.max(limits.maxLineBytes(), b.length),
                    limits.maxNameBytes(),
                    limits.maxTags(),
                    limits.maxPackedValues());
            out = new RefDogStatsdParser(wider).parseLine(b, 0, b.length, ref.lineNumber, new ParsedLine());
            out.lineOff = ref.lineOff;
            out.lineLen = ref.lineLen;
            out.ignoredFields = r.ignored;
            if (r.markerTag && out.tagCount == 1 && MARKER_TAG.equals(out.tag(0))) {
                out.tagCount = 0;
            }
        }
        if (out.kind == ParsedLine.Kind.EVENT) {
            out.escapedNewlines = out.text(out.nameOff, out.nameLen).contains("\\n")
                    || out.text(out.textOff, out.textLen).contains("\\n");
        }
        return out;
    }

    private record Rewrite(String line, int ignored, boolean markerTag) {}

    /** The line in the reference's language, or null when today's rules read it as it did. */
    static Rewrite rewrite(String line) {
        int fieldsAt;
        String[] known;
        boolean check = false;
        if (line.startsWith("_sc") && (line.length() == 3 || line.charAt(3) == '|')) {
            fieldsAt = nthBar(line, 3);
            known = CHECK;
            check = true;
        } else if (line.startsWith("_e{")) {
            fieldsAt = eventFieldsAt(line);
            known = EVENT;
        } else {
            fieldsAt = nthBar(line, 2);
            known = METRIC;
        }
        if (fieldsAt < 0 || fieldsAt == line.length()) {
            return null;
        }
        List<String> fields =
                new ArrayList<>(List.of(line.substring(fieldsAt + 1).split("\\|", -1)));
        String message = null;
        if (check) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).startsWith("m:")) {
                    List<String> rest = fields.subList(i, fields.size());
                    int split = rest.size();
                    while (split > 1 && startsWithAny(rest.get(split - 1), AFTER_MESSAGE)) {
                        split--;
                    }
                    message = String.join("|", rest.subList(0, split));
                    List<String> trailing = new ArrayList<>(rest.subList(split, rest.size()));
                    rest.clear();
                    fields.addAll(trailing);
                    break;
                }
            }
        }
        StringBuilder sb = new StringBuilder(line.substring(0, fieldsAt));
        int ignored = 0;
        boolean marker = false;
        boolean changed = false;
        for (String f : fields) {
            if (!f.isEmpty() && !startsWithAny(f, known)) {
                ignored++;
                changed = true;
                continue;
            }
            sb.append('|').append(f);
            if (f.equals("#")) {
                sb.append(MARKER_TAG);
                marker = true;
                changed = true;
            }
        }
        if (message != null) {
            String moved = sb.substring(fieldsAt) + "|" + message;
            changed |= !line.substring(fieldsAt).equals(moved);
            sb.append('|').append(message);
        }
        return changed ? new Rewrite(sb.toString(), ignored, marker) : null;
    }

    private static boolean startsWithAny(String field, String[] prefixes) {
        for (String p : prefixes) {
            if (field.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Index of the n-th '|' (1-based), or -1. */
    private static int nthBar(String s, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = s.indexOf('|', at + 1);
            if (at < 0) {
                return -1;
            }
        }
        return at;
    }

    /** Where an event's fields start (after its text), or -1 when its header does not hold. */
    private static int eventFieldsAt(String line) {
        int comma = line.indexOf(',');
        int close = line.indexOf('}');
        if (comma < 3 || close < comma || close + 1 >= line.length() || line.charAt(close + 1) != ':') {
            return -1;
        }
        long title = digits(line.substring(3, comma));
        long text = digits(line.substring(comma + 1, close));
        if (title < 0 || text < 0) {
            return -1;
        }
        long at = close + 2 + title + 1 + text;
        if (at > line.length() || (at < line.length() && line.charAt((int) at) != '|')) {
            return -1;
        }
        return (int) at;
    }

    private static long digits(String s) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
