package fr.ameli.idp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that stands still until a test moves it. Thread-safe. */
public final class MutableClock extends Clock {

    private volatile Instant instant;

    public MutableClock(Instant start) {
        this.instant = start;
    }

    /** Starts at the current second, so that times compare the same after a round trip through PostgreSQL. */
    public static MutableClock atNow() {
        return new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    public void advance(Duration duration) {
        instant = instant.plus(duration);
    }

    public void set(Instant to) {
        instant = to;
    }

    @Override
    public Instant instant() {
        return instant;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("MutableClock is UTC only");
    }
}
