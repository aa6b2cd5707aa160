package fr.ameli.idp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * A test clock. By default it follows the system clock plus an offset that a test may move forward (expiries),
 * then {@link #reset}; {@link #atNow()} gives one that stands still until moved. Thread-safe.
 */
public final class MutableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile @Nullable Instant frozen;

    public MutableClock() {
    }

    public MutableClock(Instant start) {
        this.frozen = start;
    }

    /** Stands still at the current second, so that times compare the same after a round trip through PostgreSQL. */
    public static MutableClock atNow() {
        return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    public void advance(Duration by) {
        Instant f = frozen;
        if (f != null) {
            frozen = f.plus(by);
        } else {
            offset = offset.plus(by);
        }
    }

    public void set(Instant to) {
        frozen = to;
    }

    /** Back to the system time. */
    public void reset() {
        offset = Duration.ZERO;
        frozen = null;
    }

    @Override
    public Instant instant() {
        Instant f = frozen;
        return f != null ? f : Instant.now().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
