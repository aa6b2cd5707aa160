package fr.ameli.idp.token;

import static com.nimbusds.jose.JWSAlgorithm.ES256;
import static com.nimbusds.jose.JWSAlgorithm.RS256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import fr.ameli.idp.token.RotationPlan.Retirement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationPlanTests {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration PUBLISH_AHEAD = Duration.ofHours(1);
    private static final Duration RETAIN = Duration.ofHours(2);
    private static final KeyProperties PROPERTIES = new KeyProperties("unused", Duration.ofDays(30), PUBLISH_AHEAD,
            RETAIN, null);

    @Test
    void decideWhenNoKeysThenCreatesOneKeyPerAlgorithmSigningNow() {
        RotationPlan plan = decide(List.of(), T0, false);

        assertThat(plan.create()).isEqualTo(Map.of(ES256, T0, RS256, T0));
        assertThat(plan.retire()).isEmpty();
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void decideWhenOnlyOneAlgorithmHasAKeyThenCreatesTheOtherSigningNow() {
        RotationPlan plan = decide(List.of(key("es-1", ES256, T0)), T0.plusSeconds(5), false);

        assertThat(plan.create()).isEqualTo(Map.of(RS256, T0.plusSeconds(5)));
    }

    @ParameterizedTest
    @CsvSource({
            "PT0S, false",
            "P29DT22H59M59S, false",
            "P29DT23H, true",
            "P45D, true"})
    void decideWhenNewestKeyAgedThenNextKeyDueAtRotationPeriodMinusPublishAhead(String age, boolean due) {
        Instant now = T0.plus(Duration.parse(age));

        RotationPlan plan = decide(List.of(key("es-1", ES256, T0), key("rs-1", RS256, T0)), now, false);

        assertThat(plan.create()).isEqualTo(due ? Map.of(ES256, now.plus(PUBLISH_AHEAD), RS256, now.plus(PUBLISH_AHEAD)) : Map.of());
    }

    @Test
    void decideWhenNextKeyAlreadyWaitingThenCreatesNothing() {
        Instant now = T0.plus(Duration.parse("P29DT23H30M"));
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("es-2", ES256, T0.plus(Duration.ofDays(30))),
                key("rs-1", RS256, T0), key("rs-2", RS256, T0.plus(Duration.ofDays(30))));

        assertThat(decide(keys, now, false).isEmpty()).isTrue();
    }

    @Test
    void decideWhenForcedThenCreatesNextKeySigningPublishAheadLater() {
        Instant now = T0.plus(Duration.ofDays(2));

        RotationPlan plan = decide(List.of(key("es-1", ES256, T0), key("rs-1", RS256, T0)), now, true);

        assertThat(plan.create()).isEqualTo(Map.of(ES256, now.plus(PUBLISH_AHEAD), RS256, now.plus(PUBLISH_AHEAD)));
        assertThat(plan.retire()).isEmpty();
    }

    @Test
    void decideWhenForcedAndNextKeyAlreadyWaitingThenCreatesNothing() {
        Instant now = T0.plus(Duration.ofDays(2));
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("es-2", ES256, now.plusSeconds(60)),
                key("rs-1", RS256, T0), key("rs-2", RS256, now.plusSeconds(60)));

        assertThat(decide(keys, now, true).create()).isEmpty();
    }

    @Test
    void decideWhenSuccessorActivatedThenRetiredAtItsActivationAndExpiresRetainLater() {
        Instant next = T0.plus(Duration.ofDays(30));
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("es-2", ES256, next), key("rs-1", RS256, next));

        RotationPlan plan = decide(keys, next.plusSeconds(10), false);

        assertThat(plan.retire()).containsExactly(new Retirement("es-1", next, next.plus(RETAIN)));
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.create()).isEmpty();
    }

    @Test
    void decideWhenSuccessorNotYetActiveThenRetiresNothing() {
        Instant next = T0.plus(Duration.ofDays(30));
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("es-2", ES256, next), key("rs-1", RS256, next));

        assertThat(decide(keys, next.minusSeconds(1), false).retire()).isEmpty();
    }

    @Test
    void decideWhenSuccessorIsOfAnotherAlgorithmThenRetiresNothing() {
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("rs-1", RS256, T0.plusSeconds(60)));

        assertThat(decide(keys, T0.plusSeconds(120), false).retire()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"-1, false", "0, true", "1, true"})
    void decideWhenRetiredKeyReachesExpiryThenDeletedFromExpiryOn(long secondsFromExpiry, boolean deleted) {
        Instant retired = T0.plus(Duration.ofDays(30));
        Instant expire = retired.plus(RETAIN);
        List<KeySchedule> keys = List.of(retired("es-1", ES256, T0, retired, expire), key("es-2", ES256, retired),
                key("rs-1", RS256, retired));

        RotationPlan plan = decide(keys, expire.plusSeconds(secondsFromExpiry), false);

        assertThat(plan.delete()).isEqualTo(deleted ? List.of("es-1") : List.of());
        assertThat(plan.retire()).isEmpty();
    }

    @Test
    void decideWhenNoInstanceRanForLongThenRetiresAndDeletesAtOnce() {
        Instant next = T0.plus(Duration.ofDays(30));
        List<KeySchedule> keys = List.of(key("es-1", ES256, T0), key("es-2", ES256, next), key("rs-1", RS256, next));

        RotationPlan plan = decide(keys, next.plus(Duration.ofDays(1)), false);

        assertThat(plan.retire()).containsExactly(new Retirement("es-1", next, next.plus(RETAIN)));
        assertThat(plan.delete()).containsExactly("es-1");
    }

    @Test
    void decideWhenEveryKeyOfAnAlgorithmExpiredThenCreatesOneSigningNow() {
        Instant now = T0.plus(Duration.ofDays(3));
        List<KeySchedule> keys = List.of(retired("es-1", ES256, T0, T0.plusSeconds(1), T0.plusSeconds(2)),
                key("rs-1", RS256, T0));

        RotationPlan plan = decide(keys, now, false);

        assertThat(plan.create()).isEqualTo(Map.of(ES256, now));
        assertThat(plan.delete()).containsExactly("es-1");
    }

    private static RotationPlan decide(List<KeySchedule> keys, Instant now, boolean force) {
        return RotationPlan.decide(keys, now, PROPERTIES, force);
    }

    /** A key published an hour before it activates, not retired. */
    private static KeySchedule key(String kid, JWSAlgorithm alg, Instant activateAt) {
        return retired(kid, alg, activateAt, null, null);
    }

    private static KeySchedule retired(String kid, JWSAlgorithm alg, Instant activateAt, @Nullable Instant retireAt,
            @Nullable Instant expireAt) {
        return new KeySchedule(kid, alg, activateAt.minus(PUBLISH_AHEAD), activateAt, retireAt, expireAt);
    }
}
