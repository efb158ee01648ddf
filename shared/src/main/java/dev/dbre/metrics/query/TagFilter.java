package dev.dbre.metrics.query;

import java.util.Objects;

/**
 * One condition on a series' tags: {@code key:value} (the tag is there), {@code key:*} (some value
 * of the key, or the bare tag {@code key}; a filter written as a bare {@code key} means the same),
 * and either negated with a leading {@code !} (the series has no such tag).
 *
 * @param key the tag key (for a bare tag: the tag)
 * @param value the value, or null for any ({@code key:*})
 * @param negated true for {@code !key:value} / {@code !key:*}
 */
public record TagFilter(String key, String value, boolean negated) {
    public TagFilter {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a tag filter needs a key");
        }
    }

    /**
     * Parses {@code [!]key:value}, {@code [!]key:*} or {@code [!]tag}.
     *
     * @throws IllegalArgumentException naming the filter, if it is empty
     */
    public static TagFilter parse(String text) {
        String t = text.strip();
        boolean negated = t.startsWith("!");
        if (negated) {
            t = t.substring(1).strip();
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty tag filter '" + text + "'");
        }
        int colon = t.indexOf(':');
        if (colon < 0) {
            return new TagFilter(t, null, negated);
        }
        if (colon == 0) {
            throw new IllegalArgumentException("tag filter '" + text + "' has no key before ':'");
        }
        String key = t.substring(0, colon);
        String value = t.substring(colon + 1);
        return new TagFilter(key, value.equals("*") ? null : value, negated);
    }

    /** True when a series with these canonical tags passes the filter. */
    public boolean matches(String[] tags) {
        boolean found = false;
        for (String tag : tags) {
            if (has(tag)) {
                found = true;
                break;
            }
        }
        return found != negated;
    }

    private boolean has(String tag) {
        if (value == null) {
            return tag.equals(key)
                    || (tag.startsWith(key) && tag.length() > key.length() && tag.charAt(key.length()) == ':');
        }
        return tag.length() == key.length() + 1 + value.length()
                && tag.startsWith(key)
                && tag.charAt(key.length()) == ':'
                && tag.endsWith(value);
    }

    @Override
    public String toString() {
        return (negated ? "!" : "") + (value == null ? key + ":*" : key + ":" + value);
    }
}
