package fr.ameli.idp.token;

import static com.nimbusds.jose.JWSAlgorithm.ES256;
import static com.nimbusds.jose.JWSAlgorithm.RS256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Rotation with a clock the test moves, on a private table: each {@link SigningKeys} built here is one
 * instance of the service; two of them on the same table are two replicas.
 */
@IdpIntegrationTest
class SigningKeysRotationTests {

    private static final Duration ROTATION = Duration.ofDays(30);
    private static final Duration PUBLISH_AHEAD = Duration.ofHours(1);
    private static final Duration RETAIN = Duration.ofHours(2);

    @Autowired
    DatabaseClient db;

    @Autowired
    Environment env;

    @Autowired
    KeyProperties configured;

    IsolatedKeyTable table;

    MutableClock clock = MutableClock.atNow();

    SigningKeys keys;

    @BeforeEach
    void firstStart() {
        table = new IsolatedKeyTable(db, env);
        keys = instance();
        keys.maintain().block();
    }

    @AfterEach
    void dropTable() {
        table.close();
    }

    @Test
    void rotateWhenCalledThenNewKeyPublishedButOldKeyStillSigns() {
        String oldEs = kid(keys, ES256);
        String oldRs = kid(keys, RS256);

        keys.rotate().block();

        assertThat(table.count("true")).isEqualTo(4);
        assertThat(publishedKids(keys)).hasSize(4).contains(oldEs, oldRs);
        assertThat(kid(keys, ES256)).isEqualTo(oldEs);
        assertThat(kid(keys, RS256)).isEqualTo(oldRs);
    }

    @Test
    void rotateWhenPublishAheadElapsedThenNewKeySigns() {
        String oldEs = kid(keys, ES256);
        keys.rotate().block();

        clock.advance(PUBLISH_AHEAD.minusSeconds(1));
        assertThat(kid(keys, ES256)).isEqualTo(oldEs);

        clock.advance(Duration.ofSeconds(1));
        assertThat(kid(keys, ES256)).isNotEqualTo(oldEs);
        assertThat(publishedKids(keys)).contains(oldEs);
    }

    @Test
    void rotateWhenKeyAlreadyWaitingThenCreatesNoOther() {
        keys.rotate().block();
        clock.advance(Duration.ofMinutes(10));

        keys.rotate().block();

        assertThat(table.count("alg = 'ES256'")).isEqualTo(2);
        assertThat(table.count("alg = 'RS256'")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256"})
    void verifyWhenTokenSignedBeforeRotationThenVerifiesWithPublishedJwksAfterIt(String algorithm) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);
        TokenIssuer issuer = new TokenIssuer(keys);
        String token = issuer.sign(claims(), alg);
        String oldKid = kid(keys, alg);

        keys.rotate().block();
        clock.advance(PUBLISH_AHEAD);
        keys.maintain().block(); // retires the old key
        clock.advance(RETAIN.minusSeconds(1));
        keys.maintain().block();

        assertThat(kid(keys, alg)).isNotEqualTo(oldKid);
        assertThat(verifiesWith(keys.jwksJson(), token)).isTrue();
        assertThat(issuer.verify(token).getSubject()).isEqualTo("subject-1");
    }

    @Test
    void maintainWhenRetainAfterRetireElapsedThenOldKeyLeavesJwksAndTable() {
        String oldEs = kid(keys, ES256);
        String oldRs = kid(keys, RS256);
        keys.rotate().block();
        clock.advance(PUBLISH_AHEAD);
        keys.maintain().block();
        assertThat(table.count("kid = '" + oldEs + "' and retire_at is not null and expire_at = retire_at + interval '2 hours'"))
                .isEqualTo(1);

        clock.advance(RETAIN);
        assertThat(publishedKids(keys)).doesNotContain(oldEs, oldRs).hasSize(2);
        keys.maintain().block();

        assertThat(table.count("kid in ('" + oldEs + "', '" + oldRs + "')")).isZero();
        assertThat(publishedKids(keys)).hasSize(2);
    }

    @Test
    void maintainWhenRotationPeriodMinusPublishAheadElapsedThenNextKeyPublishedAhead() {
        String oldEs = kid(keys, ES256);
        clock.advance(ROTATION.minus(PUBLISH_AHEAD));

        keys.maintain().block();

        assertThat(table.count("alg = 'ES256'")).isEqualTo(2);
        assertThat(table.count("activate_at = publish_at + interval '1 hour' and alg = 'ES256'")).isEqualTo(1);
        assertThat(publishedKids(keys)).hasSize(4);
        assertThat(kid(keys, ES256)).isEqualTo(oldEs);
        clock.advance(PUBLISH_AHEAD);
        assertThat(kid(keys, ES256)).isNotEqualTo(oldEs);
    }

    @Test
    void maintainWhenRotationNotDueThenCreatesNothing() {
        clock.advance(ROTATION.minus(PUBLISH_AHEAD).minusSeconds(1));

        keys.maintain().block();

        assertThat(table.count("true")).isEqualTo(2);
    }

    @Test
    void maintainWhenTwoInstancesAtOnceThenOneNewKeyPerAlgorithm() {
        SigningKeys other = instance();
        other.maintain().block();
        clock.advance(ROTATION);

        Mono.when(keys.maintain(), other.maintain()).block();

        assertThat(table.count("alg = 'ES256'")).isEqualTo(2);
        assertThat(table.count("alg = 'RS256'")).isEqualTo(2);
        assertThat(publishedKids(other)).isEqualTo(publishedKids(keys)).hasSize(4);
    }

    @Test
    void maintainWhenTwoInstancesStartOnEmptyTableAtOnceThenOneKeyPerAlgorithm() {
        table.close();
        table = new IsolatedKeyTable(db, env);
        SigningKeys first = instance();
        SigningKeys second = instance();

        Mono.when(first.maintain(), second.maintain()).block();

        assertThat(table.count("true")).isEqualTo(2);
        assertThat(kid(second, ES256)).isEqualTo(kid(first, ES256));
        assertThat(kid(second, RS256)).isEqualTo(kid(first, RS256));
    }

    @Test
    void maintainWhenAnotherInstanceRotatedThenPublishesItsKeyAfterRefresh() {
        SigningKeys other = instance();
        other.maintain().block();
        keys.rotate().block();
        List<String> rotated = publishedKids(keys);
        assertThat(publishedKids(other)).hasSize(2);

        other.maintain().block();

        assertThat(publishedKids(other)).containsExactlyInAnyOrderElementsOf(rotated);
        clock.advance(PUBLISH_AHEAD);
        assertThat(kid(other, ES256)).isEqualTo(kid(keys, ES256));
    }

    @Test
    void maintainWhenRunOnParallelSchedulerThenNeverBlocksIt() {
        clock.advance(ROTATION);

        keys.maintain().subscribeOn(Schedulers.parallel()).block();
        clock.advance(PUBLISH_AHEAD);
        keys.maintain().subscribeOn(Schedulers.parallel()).block();

        assertThat(table.count("retire_at is not null")).isEqualTo(2);
    }

    private SigningKeys instance() {
        return table.signingKeys(clock, new KeyProperties(configured.encryptionKey(), ROTATION, PUBLISH_AHEAD, RETAIN,
                null));
    }

    private static String kid(SigningKeys keys, JWSAlgorithm alg) {
        return keys.signingKey(alg).getKeyID();
    }

    private static List<String> publishedKids(SigningKeys keys) {
        return keys.publishedKeys().getKeys().stream().map(JWK::getKeyID).sorted().toList();
    }

    private JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().subject("subject-1").issuer("http://localhost")
                .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1)))).build();
    }

    /** As a relying party does: parse the JWKS document, pick the key by kid, check the signature. */
    private static boolean verifiesWith(byte[] jwksJson, String token) throws Exception {
        JWKSet jwks = JWKSet.parse(new String(jwksJson, StandardCharsets.UTF_8));
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            return false;
        }
        return jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                ((AsymmetricJWK) key).toPublicKey()));
    }
}
