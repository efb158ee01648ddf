package dev.dbre.azure.maintenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.azure.trigger.TimerTick;

/**
 * The maintenance timer's binding value: a {@link TimerTick} ({@code events/azure/timer-maintenance.json}),
 * plus an optional {@code "dryRun": true|false} for a run by hand (a dry run reports what a run
 * would create, roll up and drop, and changes nothing).
 *
 * @param timer the TimerInfo's own fields (logged)
 * @param dryRun the binding value asked for a dry run
 */
record MaintenanceTick(TimerTick timer, boolean dryRun) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException naming the field when the TimerInfo has one of the wrong shape,
     *     {@code dryRun} included
     */
    static MaintenanceTick parse(String timerInfo) {
        TimerTick timer = TimerTick.parse(timerInfo);
        if (timerInfo == null || timerInfo.isBlank()) {
            return new MaintenanceTick(timer, false);
        }
        JsonNode dryRun;
        try {
            dryRun = JSON.readTree(timerInfo).get("dryRun");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the TimerInfo is not JSON: " + e.getOriginalMessage());
        }
        if (dryRun == null || dryRun.isNull()) {
            return new MaintenanceTick(timer, false);
        }
        if (!dryRun.isBoolean()) {
            // Refused rather than ignored: a run meant to be dry must not drop anything.
            throw new IllegalArgumentException("TimerInfo.dryRun must be true or false, was " + dryRun);
        }
        return new MaintenanceTick(timer, dryRun.booleanValue());
    }
}
