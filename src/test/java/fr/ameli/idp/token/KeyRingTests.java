package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class KeyRingTests {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private final LoadedKey current = key(T0.minus(Duration.ofDays(1)), T0.minus(Duration.ofDays(1)), null);
    private final LoadedKey next = key(T0, T0.plus(Duration.ofHours(1)), null);

    @Test
    void activeWhenNextKeyPublishedAheadThenCurrentKeySignsAndBothPublished() {
        KeyRing ring = KeyRing.at(1, List.of(current, next), T0.plusSeconds(1));

        assertThat(ring.active(JWSAlgorithm.ES256)).isSameAs(current);
        assertThat(kids(ring)).containsExactlyInAnyOrder(current.kid(), next.kid());
    }

    @Test
    void activeWhenNextKeyActivatedThenItSigns() {
        KeyRing ring = KeyRing.at(1, List.of(current, next), T0.plus(Duration.ofHours(1)));

        assertThat(ring.active(JWSAlgorithm.ES256)).isSameAs(next);
        assertThat(ring.active(JWSAlgorithm.RS256)).isNull();
    }

    @Test
    void publishedWhenBeforePublishAtOrFromExpireAtThenNot() {
        LoadedKey retired = key(T0.minus(Duration.ofDays(2)), T0.minus(Duration.ofDays(2)), T0.plusSeconds(10));

        assertThat(kids(KeyRing.at(1, List.of(retired, next), T0.minusSeconds(1)))).containsExactly(retired.kid());
        assertThat(kids(KeyRing.at(1, List.of(retired, next), T0.plusSeconds(10)))).containsExactly(next.kid());
    }

    @Test
    void validAtWhenNextTransitionReachedThenNotValidAndRecomputedViewDiffers() {
        KeyRing ring = KeyRing.at(1, List.of(current, next), T0.plusSeconds(1));

        assertThat(ring.validAt(T0.plus(Duration.ofMinutes(59)))).isTrue();
        assertThat(ring.validAt(T0.plus(Duration.ofHours(1)))).isFalse();
        assertThat(ring.at(T0.plus(Duration.ofHours(1))).active(JWSAlgorithm.ES256)).isSameAs(next);
    }

    @Test
    void updatedByWhenSameKeysReadAgainThenSameJwksBytesUnderNewerVersion() {
        KeyRing ring = KeyRing.at(1, List.of(current), T0);

        KeyRing updated = ring.updatedBy(KeyRing.at(2, List.of(current), T0.plusSeconds(60)));

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.json()).isSameAs(ring.json());
    }

    @Test
    void updatedByWhenOlderReadArrivesLateThenIgnored() {
        KeyRing fresh = KeyRing.at(3, List.of(current, next), T0);

        assertThat(fresh.updatedBy(KeyRing.at(2, List.of(current), T0))).isSameAs(fresh);
    }

    @Test
    void jsonWhenBuiltThenPublicKeysOnly() {
        String json = new String(KeyRing.at(1, List.of(current), T0).json(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"keys\":[").contains("\"kid\":\"" + current.kid() + "\"").doesNotContain("\"d\"");
    }

    private static List<String> kids(KeyRing ring) {
        return ring.publishedSet().getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static LoadedKey key(Instant publishAt, Instant activateAt, @Nullable Instant expireAt) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
            KeySchedule schedule = new KeySchedule(key.getKeyID(), JWSAlgorithm.ES256, publishAt, activateAt,
                    expireAt == null ? null : expireAt.minus(Duration.ofHours(1)), expireAt);
            return new LoadedKey(schedule, key.toPublicJWK(), key, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
