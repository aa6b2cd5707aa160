package fr.ameli.idp.ratelimit;

import java.time.Duration;
import java.time.Instant;

/**
 * Fixed-window arithmetic: time is cut into windows of {@code length} from the epoch; each window has its own
 * counter. Simple and exact across instances (one row per key and window); a burst can reach twice the limit
 * across a window boundary, which is acceptable for the limits it serves (a few mails a day per person).
 */
public record FixedWindow(Duration length, int limit) {

    public FixedWindow {
        if (length.isNegative() || length.isZero() || length.toSeconds() < 1) {
            throw new IllegalArgumentException("a window lasts at least one second");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("a limit allows at least one request");
        }
    }

    /** The start of the window {@code now} falls in. */
    public Instant start(Instant now) {
        long seconds = length.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), seconds) * seconds);
    }

    /** When the window {@code now} falls in ends (and its counter starts again from zero). */
    public Instant end(Instant now) {
        return start(now).plus(length);
    }

    /** Whether the {@code count}-th request of a window (1 for the first) is allowed. */
    public boolean allows(int count) {
        return count <= limit;
    }
}
