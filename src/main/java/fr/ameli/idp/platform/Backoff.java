package fr.ameli.idp.platform;

import java.time.Duration;

/** Retry delays of the outboxes (mail, back-channel logout): {@code initial}, doubled at each failure, capped at {@code max}. */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: initial must not be negative, max >= initial");
        }
    }

    /** Delay after the given number of failed attempts (1 for the first failure). */
    public Duration after(int failedAttempts) {
        int doublings = Math.max(0, Math.min(failedAttempts - 1, 30));
        Duration delay = initial.multipliedBy(1L << doublings);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
