package dev.dbre.restore;

import java.time.Instant;

/** One transition of a run: the state entered, when, and why (failure reason, endpoint, ...). */
public record RestoreEvent(int seq, RestoreState state, Instant at, String detail) {}
