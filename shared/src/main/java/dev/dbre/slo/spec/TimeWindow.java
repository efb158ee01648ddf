package dev.dbre.slo.spec;

import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * An SLO's time window: rolling ({@code 28d}) or calendar ({@code 1M} from {@code startTime} in
 * {@code timeZone}).
 *
 * @param calendarStart the start of one calendar period (null when rolling)
 * @param zone the calendar's time zone (null when rolling)
 */
public record TimeWindow(SpecDuration duration, boolean rolling, LocalDateTime calendarStart, ZoneId zone) {}
