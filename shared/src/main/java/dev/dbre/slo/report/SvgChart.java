package dev.dbre.slo.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG. Lines differ by dash pattern and are named by a legend and by
 * a label at their end, so colour never carries meaning alone; the chart has a title and a text
 * description for screen readers.
 */
final class SvgChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 240;
    private static final int LEFT = 64;
    private static final int RIGHT = 120;
    private static final int TOP = 16;
    private static final int BOTTOM = 36;
    /** Baseline to baseline of two labels: an 11-unit font's box is about 13 units high. */
    private static final int LABEL_GAP = 14;

    private static final String[] DASHES = {"", "6 3", "2 3", "10 3 2 3", "1 5", "12 4", "4 2 1 2"};
    private static final String[] COLOURS = {"#1f4e9c", "#8a3b12", "#2e6b30", "#6a2c70", "#5b5b5b", "#a0522d", "#006d77"
    };

    /** One line: a value (or null, a gap) per time. */
    record Line(String label, List<Instant> times, List<Double> values) {}

    /** A horizontal reference line (a target, a threshold). */
    record Rule(String label, double value) {}

    private final String id;
    private final String title;
    private final String description;
    private final Instant from;
    private final Instant to;
    private final List<Line> lines = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final String yFormat;
    private double yMin = Double.NaN;
    private double yMax = Double.NaN;

    SvgChart(String id, String title, String description, Instant from, Instant to, String yFormat) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.from = from;
        this.to = to.isAfter(from) ? to : from.plusSeconds(60);
        this.yFormat = yFormat;
    }

    SvgChart line(Line line) {
        lines.add(line);
        return this;
    }

    SvgChart rule(Rule rule) {
        rules.add(rule);
        return this;
    }

    /** Fixes the y range (else it spans the data and the rules). */
    SvgChart yRange(double min, double max) {
        yMin = min;
        yMax = max;
        return this;
    }

    String render() {
        double lo = yMin;
        double hi = yMax;
        if (Double.isNaN(lo)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (Line l : lines) {
                for (Double v : l.values) {
                    if (v != null) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            for (Rule r : rules) {
                lo = Math.min(lo, r.value);
                hi = Math.max(hi, r.value);
            }
            if (lo == Double.POSITIVE_INFINITY) {
                lo = 0;
                hi = 1;
            }
            boolean fraction = yFormat.equals("percent") && lo >= 0 && hi <= 1;
            boolean nonNegative = lo >= 0;
            double pad = hi - lo < 1e-9 ? (fraction ? 0.01 : Math.max(1, Math.abs(hi) * 0.1)) : (hi - lo) * 0.08;
            lo -= pad;
            hi += pad;
            // The padding must not draw an axis past what the values can be: a share above 100%,
            // or a count or burn rate below zero.
            if (nonNegative) {
                lo = Math.max(lo, 0);
            }
            if (fraction) {
                hi = Math.min(hi, 1);
            }
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"")
                .append(id)
                .append("-title ")
                .append(id)
                .append("-desc\" class=\"chart\" id=\"")
                .append(id)
                .append("\">");
        svg.append("<title id=\"")
                .append(id)
                .append("-title\">")
                .append(Html.escape(title))
                .append("</title>");
        svg.append("<desc id=\"")
                .append(id)
                .append("-desc\">")
                .append(Html.escape(description))
                .append("</desc>");
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        svg.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(plotRight - LEFT)
                .append("\" height=\"")
                .append(plotBottom - TOP)
                .append("\" fill=\"#fff\" stroke=\"#999\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = lo + (hi - lo) * i / 4;
            double y = y(v, lo, hi);
            svg.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(plotRight)
                    .append("\" y1=\"")
                    .append(n(y))
                    .append("\" y2=\"")
                    .append(n(y))
                    .append("\" stroke=\"#e4e4e4\"/>");
            svg.append("<text x=\"")
                    .append(LEFT - 6)
                    .append("\" y=\"")
                    .append(n(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(Html.escape(label(v)))
                    .append("</text>");
        }
        svg.append("<text x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(HEIGHT - 12)
                .append("\">")
                .append(Html.escape(Format.time(from)))
                .append("</text>");
        svg.append("<text x=\"")
                .append(plotRight)
                .append("\" y=\"")
                .append(HEIGHT - 12)
                .append("\" text-anchor=\"end\">")
                .append(Html.escape(Format.time(to)))
                .append("</text>");
        List<EndLabel> labels = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (Rule r : rules) {
            double y = y(r.value, lo, hi);
            svg.append("<line class=\"rule\" x1=\"")
                    .append(LEFT)
                    .append("\" x2=\"")
                    .append(plotRight)
                    .append("\" y1=\"")
                    .append(n(y))
                    .append("\" y2=\"")
                    .append(n(y))
                    .append("\" stroke=\"#b00020\" stroke-dasharray=\"8 4\"/>");
            labels.add(new EndLabel(r.label, y + 4, null));
        }
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String dash = DASHES[i % DASHES.length];
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            double lastX = 0;
            double lastY = 0;
            for (int j = 0; j < l.values.size(); j++) {
                Double v = l.values.get(j);
                if (v == null) {
                    flush(svg, points, dash, colour, l.label);
                    continue;
                }
                lastX = x(l.times.get(j));
                lastY = y(Math.max(lo, Math.min(hi, v)), lo, hi);
                points.append(n(lastX)).append(',').append(n(lastY)).append(' ');
            }
            flush(svg, points, dash, colour, l.label);
            if (lastX > 0) {
                labels.add(new EndLabel(l.label, lastY + 4, colour));
            } else {
                empty.add(l.label);
            }
        }
        endLabels(svg, labels, plotRight + 4);
        if (!lines.isEmpty() && empty.size() == lines.size()) {
            empty = List.of("no data in this window");
        } else {
            empty.replaceAll(label -> label + ": no data in this window");
        }
        for (int i = 0; i < empty.size(); i++) {
            svg.append("<text x=\"")
                    .append((LEFT + plotRight) / 2)
                    .append("\" y=\"")
                    .append(n((TOP + plotBottom) / 2.0 + (i - (empty.size() - 1) / 2.0) * LABEL_GAP))
                    .append("\" text-anchor=\"middle\">")
                    .append(Html.escape(empty.get(i)))
                    .append("</text>");
        }
        svg.append("</svg>");
        svg.append("<p class=\"legend\">");
        for (int i = 0; i < lines.size(); i++) {
            svg.append(
                            "<span><svg width=\"28\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" y1=\"4\" x2=\"28\" y2=\"4\" stroke=\"")
                    .append(COLOURS[i % COLOURS.length])
                    .append("\" stroke-width=\"2\" stroke-dasharray=\"")
                    .append(DASHES[i % DASHES.length])
                    .append("\"/></svg> ")
                    .append(Html.escape(lines.get(i).label))
                    .append("</span> ");
        }
        for (Rule r : rules) {
            svg.append(
                            "<span><svg width=\"28\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" y1=\"4\" x2=\"28\" y2=\"4\" stroke=\"#b00020\""
                                    + " stroke-width=\"2\" stroke-dasharray=\"8 4\"/></svg> ")
                    .append(Html.escape(r.label))
                    .append("</span> ");
        }
        svg.append("</p>");
        return svg.toString();
    }

    /** A label at the right of the plot, wanted at baseline {@code y}; {@code colour} null for the default. */
    private record EndLabel(String text, double y, String colour) {}

    /**
     * Writes the labels at the right of the plot, moved apart just enough not to overlap (lines
     * that end close together and thresholds of similar value would otherwise print over each
     * other), keeping each as near as it can to the line it names.
     */
    private static void endLabels(StringBuilder svg, List<EndLabel> labels, int x) {
        List<EndLabel> sorted = new ArrayList<>(labels);
        sorted.sort((a, b) -> Double.compare(a.y, b.y));
        double[] at = new double[sorted.size()];
        double top = LABEL_GAP - 2;
        double bottom = HEIGHT - 4;
        for (int i = 0; i < at.length; i++) {
            at[i] = Math.max(sorted.get(i).y, i == 0 ? top : at[i - 1] + LABEL_GAP);
        }
        for (int i = at.length - 1; i >= 0 && at[i] > (i == at.length - 1 ? bottom : at[i + 1] - LABEL_GAP); i--) {
            at[i] = i == at.length - 1 ? bottom : at[i + 1] - LABEL_GAP;
        }
        for (int i = 0; i < at.length; i++) {
            EndLabel l = sorted.get(i);
            svg.append("<text x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(n(at[i]))
                    .append('"');
            if (l.colour != null) {
                svg.append(" fill=\"").append(l.colour).append('"');
            }
            svg.append('>').append(Html.escape(l.text)).append("</text>");
        }
    }

    private static void flush(StringBuilder svg, StringBuilder points, String dash, String colour, String label) {
        if (points.isEmpty()) {
            return;
        }
        String p = points.toString().trim();
        if (!p.contains(" ")) {
            p = p + " " + p; // a lone point still shows as a dot
        }
        svg.append("<polyline fill=\"none\" stroke=\"")
                .append(colour)
                .append("\" stroke-width=\"2\" stroke-linecap=\"round\"");
        if (!dash.isEmpty()) {
            svg.append(" stroke-dasharray=\"").append(dash).append("\"");
        }
        svg.append(" points=\"")
                .append(p)
                .append("\"><title>")
                .append(Html.escape(label))
                .append("</title></polyline>");
        points.setLength(0);
    }

    private double x(Instant t) {
        double span = to.toEpochMilli() - from.toEpochMilli();
        return LEFT + (WIDTH - RIGHT - LEFT) * (t.toEpochMilli() - from.toEpochMilli()) / span;
    }

    private static double y(double v, double lo, double hi) {
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * (v - lo) / (hi - lo);
    }

    private String label(double v) {
        return yFormat.equals("percent") ? Format.decimal(v * 100, 2) + "%" : Format.decimal(v, 2);
    }

    private static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
