package fr.ameli.idp.token;

import static com.nimbusds.jose.JWSAlgorithm.ES256;
import static com.nimbusds.jose.JWSAlgorithm.RS256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/** Creation, persistence and publication of the keys; rotation is in {@link SigningKeysRotationTests}. */
@IdpIntegrationTest
class SigningKeysTests {

    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

    @Autowired
    SigningKeys applicationKeys;

    @Autowired
    KeyProperties properties;

    @Autowired
    DatabaseClient db;

    @Autowired
    TransactionalOperator tx;

    @Autowired
    Environment env;

    IsolatedKeyTable table;

    MutableClock clock = MutableClock.atNow();

    @BeforeEach
    void isolatedTable() {
        table = new IsolatedKeyTable(db, env);
    }

    @AfterEach
    void dropTable() {
        table.close();
    }

    @Test
    void maintainWhenTableEmptyThenCreatesOneEs256AndOneRs256KeySigningNow() {
        SigningKeys keys = table.signingKeys(clock, properties);
        keys.maintain().block();

        assertThat(table.count("true")).isEqualTo(2);
        for (var alg : List.of(ES256, RS256)) {
            String kid = keys.signingKey(alg).getKeyID();
            assertThat(table.count("kid = '" + kid + "' and alg = '" + alg + "' and publish_at = activate_at "
                    + "and retire_at is null and expire_at is null")).isEqualTo(1);
            assertThat(((PerThreadSigner) keys.active(alg).signer()).signatureProvider()).isSameAs(SignatureProvider.forSigning());
            // the provider's own key object: one of the JDK's would be converted again on every signature
            java.security.PrivateKey privateKey = ((PerThreadSigner) keys.active(alg).signer()).key();
            assertThat(privateKey.getClass().getName()).startsWith("com.amazon.corretto.crypto.provider.");
        }
        assertThat(keys.signingKey(ES256)).isInstanceOfSatisfying(com.nimbusds.jose.jwk.ECKey.class,
                ec -> assertThat(ec.getCurve()).isEqualTo(com.nimbusds.jose.jwk.Curve.P_256));
        assertThat(keys.signingKey(RS256)).isInstanceOfSatisfying(RSAKey.class, rsa -> assertThat(rsa.size()).isEqualTo(2048));
    }

    @Test
    void maintainWhenKeysCreatedThenPrivatePartStoredEncryptedOnly() throws Exception {
        SigningKeys keys = table.signingKeys(clock, properties);
        keys.maintain().block();

        for (var alg : List.of(ES256, RS256)) {
            JWK key = keys.signingKey(alg);
            String d = (String) key.toJSONObject().get("d");
            byte[] encrypted = table.db().sql("select private_jwk_encrypted from signing_key where kid = :kid")
                    .bind("kid", key.getKeyID())
                    .map(row -> row.get(0, byte[].class)).one().block();
            String publicJwk = table.db().sql("select public_jwk from signing_key where kid = :kid")
                    .bind("kid", key.getKeyID())
                    .map(row -> row.get(0, String.class)).one().block();
            assertThat(d).isNotBlank();
            assertThat(new String(encrypted, StandardCharsets.ISO_8859_1)).doesNotContain(d, "\"d\"", key.getKeyID());
            assertThat(JSONObjectUtils.parse(publicJwk)).doesNotContainKeys(PRIVATE_MEMBERS.toArray(String[]::new));
        }
    }

    @Test
    void maintainWhenSecondInstanceOnSameDatabaseThenLoadsSameKidsAndCreatesNone() {
        SigningKeys first = table.signingKeys(clock, properties);
        first.maintain().block();
        clock.advance(Duration.ofMinutes(5));

        SigningKeys second = table.signingKeys(clock, properties);
        second.maintain().block();

        assertThat(table.count("true")).isEqualTo(2);
        assertThat(second.signingKey(ES256)).isEqualTo(first.signingKey(ES256));
        assertThat(second.signingKey(RS256)).isEqualTo(first.signingKey(RS256));
        assertThat(second.jwksJson()).isEqualTo(first.jwksJson());
    }

    @Test
    void applicationWhenStartedThenItsKeysAreStoredAndLoadedByAnotherInstance() {
        SigningKeys another = new SigningKeys(db, tx, Clock.systemUTC(), properties);
        another.maintain().block();

        for (var alg : List.of(ES256, RS256)) {
            String kid = applicationKeys.signingKey(alg).getKeyID();
            Long rows = db.sql("select count(*) from signing_key where kid = :kid").bind("kid", kid)
                    .map(row -> row.get(0, Long.class)).one().block();
            assertThat(rows).isEqualTo(1);
            assertThat(another.signingKey(alg).getKeyID()).isEqualTo(kid);
        }
    }

    @Test
    void jwksJsonWhenLoadedThenOnlyPublicPartsEachWithKidUseAndAlg() throws Exception {
        SigningKeys keys = table.signingKeys(clock, properties);
        keys.maintain().block();

        Map<String, Object> jwks = JSONObjectUtils.parse(new String(keys.jwksJson(), StandardCharsets.UTF_8));

        assertThat(jwks).containsOnlyKeys("keys");
        List<Map<String, Object>> published = List.of(JSONObjectUtils.getJSONObjectArray(jwks, "keys"));
        assertThat(published).hasSize(2);
        assertThat(published).allSatisfy(key -> {
            assertThat(key).doesNotContainKeys(PRIVATE_MEMBERS.toArray(String[]::new));
            assertThat(key).containsEntry("use", "sig").containsKeys("kid", "alg");
        });
        assertThat(published).extracting(key -> key.get("alg")).containsExactlyInAnyOrder("ES256", "RS256");
        assertThat(published).extracting(key -> key.get("kid"))
                .containsExactlyInAnyOrder(keys.signingKey(ES256).getKeyID(), keys.signingKey(RS256).getKeyID());
        assertThat(keys.publishedKeys().getKeys()).noneMatch(JWK::isPrivate);
    }

    @Test
    void jwksJsonWhenKeySetUnchangedThenSameBytes() {
        SigningKeys keys = table.signingKeys(clock, properties);
        keys.maintain().block();
        byte[] first = keys.jwksJson();
        clock.advance(Duration.ofMinutes(1));
        keys.maintain().block();

        assertThat(keys.jwksJson()).isSameAs(first);
    }

    @Test
    void kidWhenKeyCreatedThenRfc7638Thumbprint() throws Exception {
        SigningKeys keys = table.signingKeys(clock, properties);
        keys.maintain().block();

        for (var alg : List.of(ES256, RS256)) {
            JWK key = keys.signingKey(alg);
            assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint("SHA-256").toString());
        }
    }

    @Test
    void startWhenEncryptionKeyWrongThenFailsNamingThePropertyNotTheKey() {
        table.signingKeys(clock, properties).maintain().block();
        String otherKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        SigningKeys misconfigured = table.signingKeys(clock, new KeyProperties(otherKey, null, null, null, null));

        assertThatIllegalStateException().isThrownBy(misconfigured::afterSingletonsInstantiated)
                .withMessageContaining("idp.keys.encryption-key")
                .withMessageNotContaining(otherKey)
                .withMessageNotContaining(properties.encryptionKey());
    }

    @Test
    void signingKeyWhenNothingLoadedThenFails() {
        SigningKeys keys = table.signingKeys(clock, properties);

        assertThatIllegalStateException().isThrownBy(() -> keys.signingKey(ES256));
    }
}
