package fr.ameli.idp.enrollment;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The life of an activation link, counted from when it is sent: it works for {@code validity}; then it is dead
 * but a new one can be asked for (to the same or another address); from {@code forgetAfter} (if set) the
 * unconfirmed address is forgotten and a new one must be typed. Seed 001 (provisional-code path): 7 and 21
 * days; the carte Vitale and federated paths (seed 004): 21 days, address kept.
 */
public record LinkWindows(Duration validity, @Nullable Duration forgetAfter) {

    /** Where a link sent at {@code sentAt} stands at {@code now}. */
    public enum Phase {
        /** The link works: follow it. */
        LIVE,
        /** The link is dead; a new one may be sent to the same address or to another one. */
        EXPIRED,
        /** The address is no longer kept: a new one must be typed, then a new link is sent. */
        FORGOTTEN
    }

    public LinkWindows {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a link is valid for a positive duration");
        }
        if (forgetAfter != null && forgetAfter.compareTo(validity) < 0) {
            throw new IllegalArgumentException("an address cannot be forgotten while its link still works");
        }
    }

    /** The phase at {@code now} of a link sent at {@code sentAt}; each bound belongs to the later phase. */
    public Phase phase(Instant sentAt, Instant now) {
        if (now.isBefore(sentAt.plus(validity))) {
            return Phase.LIVE;
        }
        if (forgetAfter != null && !now.isBefore(sentAt.plus(forgetAfter))) {
            return Phase.FORGOTTEN;
        }
        return Phase.EXPIRED;
    }
}
