package dev.dbre.restore;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The scheduled restore drill: a drill request template (a restore request file with {@code "drill":
 * true}) in which {@code {date}} stands for the UTC day of the tick, {@code yyyymmdd}. Every tick
 * submits the day's drill (submitting it again returns the same run: the request's key holds the
 * date) and advances it one step. Scheduled every few minutes, the first tick of a day starts the
 * drill and the following ones carry it through RESTORING, VERIFYING to CLEANED_UP; once it is
 * done, ticks change nothing until the next day.
 *
 * <p>{@value #FILE}: the template's path (required).
 */
public final class DrillSchedule {
    public static final String FILE = "DBRE_DRILL_REQUEST_FILE";
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String template;
    private final RestoreService service;

    /**
     * @throws ConfigException if the template is not a drill request (checked with today's date)
     */
    public DrillSchedule(String template, RestoreService service, String origin) {
        this.template = template;
        this.service = service;
        try {
            RestoreRequest sample = request(Instant.EPOCH);
            if (!sample.drill()) {
                throw new ConfigException(origin, "is not a drill: set \"drill\": true");
            }
        } catch (RestoreRejectedException e) {
            throw new ConfigException(origin, "is not a valid restore request: " + e.getMessage());
        }
    }

    /** @throws ConfigException naming {@value #FILE} when unset, unreadable or not a drill request */
    public static DrillSchedule fromEnv(Env env, RestoreService service) {
        Path path = Path.of(env.required(FILE));
        try {
            return new DrillSchedule(Files.readString(path), service, FILE);
        } catch (IOException e) {
            throw new ConfigException(FILE, "cannot read " + path + ": " + e.getMessage());
        }
    }

    /** The day's request. */
    public RestoreRequest request(Instant now) {
        return RestoreRequest.parse(template.replace("{date}", DAY.format(now)));
    }

    /**
     * Submits the day's drill (or finds it) and advances it one step.
     *
     * @throws RestoreRejectedException when the day's drill is refused (e.g. the source has no window)
     * @throws RestoreStoreException if the runs table cannot be read or written
     * @throws dev.dbre.port.ProviderException if the provider cannot describe the source
     */
    public RestoreRun tick(Instant now, Duration remaining) {
        RestoreService.Submitted s = service.submit(request(now), now);
        if (s.run().finished()) {
            return s.run();
        }
        return service.advance(s.runId(), now, remaining);
    }
}
