package fr.ameli.idp.token;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The life of one signing key, as stored: in the JWKS from {@code publishAt}, signs from {@code activateAt},
 * stops signing at {@code retireAt} (when the next key of its algorithm activates), leaves the JWKS at
 * {@code expireAt}. Every bound is inclusive at the start and exclusive at the end.
 */
record KeySchedule(String kid, JWSAlgorithm alg, Instant publishAt, Instant activateAt, @Nullable Instant retireAt,
        @Nullable Instant expireAt) {

    boolean publishedAt(Instant now) {
        return !now.isBefore(publishAt) && !expiredAt(now);
    }

    boolean activatedAt(Instant now) {
        return !now.isBefore(activateAt);
    }

    boolean expiredAt(Instant now) {
        return expireAt != null && !now.isBefore(expireAt);
    }
}
