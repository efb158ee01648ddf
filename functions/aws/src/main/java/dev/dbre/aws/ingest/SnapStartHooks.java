package dev.dbre.aws.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest functions' SnapStart (CRaC) hooks.
 *
 * <p>{@link #beforeCheckpoint} primes the code an invocation runs (the parsers and the JSON codec,
 * see {@link Priming}), so the snapshot holds their classes loaded and JIT-warm, then runs the
 * registered close actions (anything holding a socket must not be in a snapshot: a restored copy
 * would share it). {@link #afterRestore} runs the registered reset actions: the cached IAM token
 * and anything else unique is dropped, so restored copies share nothing.
 *
 * <p>CRaC's global context holds resources weakly: the one instance lives in a static field.
 */
public final class SnapStartHooks implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartHooks.class);
    private static final SnapStartHooks GLOBAL = new SnapStartHooks();

    static {
        Core.getGlobalContext().register(GLOBAL);
    }

    private final List<Runnable> beforeCheckpoint = new CopyOnWriteArrayList<>();
    private final List<Runnable> afterRestore = new CopyOnWriteArrayList<>();
    private volatile Priming.Report lastPriming;

    SnapStartHooks() {}

    /** The instance registered with CRaC's global context. */
    public static SnapStartHooks global() {
        return GLOBAL;
    }

    /** Runs {@code action} before a snapshot is taken (close connections, pools, sockets). */
    public void onCheckpoint(Runnable action) {
        beforeCheckpoint.add(action);
    }

    /** Runs {@code action} after a restore (drop cached tokens, seeds, connections). */
    public void onRestore(Runnable action) {
        afterRestore.add(action);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        lastPriming = Priming.prime();
        LOG.info(
                "primed for snapshot: {} DogStatsD lines, {} JSON points, HTTP status {}",
                lastPriming.dogStatsdLines(),
                lastPriming.jsonLines(),
                lastPriming.httpStatus());
        beforeCheckpoint.forEach(Runnable::run);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        afterRestore.forEach(Runnable::run);
        LOG.info("restored from snapshot: {} reset actions run", afterRestore.size());
    }

    /** How many reset actions {@link #afterRestore} runs. */
    int restoreActions() {
        return afterRestore.size();
    }

    /** What the last {@link #beforeCheckpoint} primed, or null before the first. */
    Priming.Report lastPriming() {
        return lastPriming;
    }
}
