package fr.ameli.idp.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.token.TokenIssuer.InvalidJwtException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Against the application's own keys (real clock): signing, verification, and what verification refuses. */
@IdpIntegrationTest
class TokenIssuerTests {

    private static final JWTClaimsSet CLAIMS = new JWTClaimsSet.Builder()
            .issuer("http://localhost:8080")
            .subject("subject-1")
            .audience("client-1")
            .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))
            .build();

    @Autowired
    TokenIssuer issuer;

    @Autowired
    SigningKeys keys;

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256"})
    void signWhenSupportedAlgorithmThenCompactJwsWithKidAndTypJwtVerifiableWithJwks(String algorithm) throws Exception {
        JWSAlgorithm alg = JWSAlgorithm.parse(algorithm);

        SignedJWT jwt = SignedJWT.parse(issuer.sign(CLAIMS, alg));

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(alg);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.signingKey(alg).getKeyID());
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        JWK published = keys.publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(),
                ((AsymmetricJWK) published).toPublicKey()))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("subject-1");
    }

    @Test
    void signWhenTypeGivenThenHeaderCarriesIt() throws Exception {
        JOSEObjectType userinfo = new JOSEObjectType("userinfo+jwt");

        SignedJWT before = SignedJWT.parse(issuer.sign(CLAIMS, JWSAlgorithm.RS256));
        SignedJWT jwt = SignedJWT.parse(issuer.sign(CLAIMS, JWSAlgorithm.RS256, userinfo));
        SignedJWT after = SignedJWT.parse(issuer.sign(CLAIMS, JWSAlgorithm.RS256));

        assertThat(jwt.getHeader().getType()).isEqualTo(userinfo);
        // Headers are made once per key and type: each type keeps its own, encoded as a header built for it would be.
        String kid = keys.signingKey(JWSAlgorithm.RS256).getKeyID();
        assertThat(before.getParsedParts()[0].toString()).isEqualTo(after.getParsedParts()[0].toString())
                .isEqualTo(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
                        .build().toBase64URL().toString());
        assertThat(jwt.getParsedParts()[0].toString()).isEqualTo(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(kid).type(userinfo).build().toBase64URL().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "HS256", "ES384", "PS256", "EdDSA"})
    void signWhenOtherAlgorithmThenIllegalArgument(String algorithm) {
        assertThatIllegalArgumentException().isThrownBy(() -> issuer.sign(CLAIMS, JWSAlgorithm.parse(algorithm)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256"})
    void verifyWhenSignedByIssuerThenClaims(String algorithm) {
        String token = issuer.sign(CLAIMS, JWSAlgorithm.parse(algorithm));

        assertThat(issuer.verify(token).getSubject()).isEqualTo("subject-1");
    }

    @Test
    void verifyWhenSignedByUnknownKeyThenInvalidJwt() throws Exception {
        ECKey unknown = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(unknown.getKeyID()).build(), CLAIMS);
        jwt.sign(new ECDSASigner(unknown));

        assertThatThrownBy(() -> issuer.verify(jwt.serialize())).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void verifyWhenUnknownKeyClaimsAPublishedKidThenInvalidJwt() throws Exception {
        ECKey unknown = new ECKeyGenerator(Curve.P_256).generate();
        String publishedKid = keys.signingKey(JWSAlgorithm.ES256).getKeyID();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(publishedKid).build(), CLAIMS);
        jwt.sign(new ECDSASigner(unknown));

        assertThatThrownBy(() -> issuer.verify(jwt.serialize())).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void verifyWhenAlgNoneThenInvalidJwt() {
        String kid = keys.signingKey(JWSAlgorithm.RS256).getKeyID();
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}").toString();
        String token = header + "." + Base64URL.encode(CLAIMS.toString()) + ".";

        assertThatThrownBy(() -> issuer.verify(token)).isInstanceOf(InvalidJwtException.class);
    }

    /** The classic confusion: HMAC keyed with the RSA public key, under the RSA key's kid (RFC 8725 §2.1). */
    @Test
    void verifyWhenHs256UnderPublishedKidThenInvalidJwt() throws Exception {
        JWK rsa = keys.signingKey(JWSAlgorithm.RS256);
        byte[] secret = MessageDigest.getInstance("SHA-256")
                .digest(rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).build(), CLAIMS);
        jwt.sign(new MACSigner(secret));

        assertThatThrownBy(() -> issuer.verify(jwt.serialize())).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void verifyWhenAlgorithmDiffersFromTheKidsKeyThenInvalidJwt() throws Exception {
        String es256Token = issuer.sign(CLAIMS, JWSAlgorithm.ES256);
        String[] parts = es256Token.split("\\.");
        String rsaKid = keys.signingKey(JWSAlgorithm.RS256).getKeyID();
        String header = Base64URL.encode("{\"alg\":\"ES256\",\"kid\":\"" + rsaKid + "\"}").toString();

        assertThatThrownBy(() -> issuer.verify(header + "." + parts[1] + "." + parts[2]))
                .isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void verifyWhenPayloadTamperedThenInvalidJwt() {
        String[] parts = issuer.sign(CLAIMS, JWSAlgorithm.ES256).split("\\.");
        String payload = Base64URL.encode(new JWTClaimsSet.Builder(CLAIMS).subject("subject-2").build().toString()).toString();

        assertThatThrownBy(() -> issuer.verify(parts[0] + "." + payload + "." + parts[2]))
                .isInstanceOf(InvalidJwtException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "a.b.c", "a.b"})
    void verifyWhenMalformedThenInvalidJwtWithoutTheToken(String token) {
        assertThatThrownBy(() -> issuer.verify(token)).isInstanceOf(InvalidJwtException.class);
    }

    /** Concurrently, on Reactor's non-blocking threads, where BlockHound fails any blocking call. */
    @Test
    void signAndVerifyWhenOnNonBlockingThreadsThenNeverBlock() {
        List<Boolean> verified = Flux.range(0, 200)
                .flatMap(i -> Mono.fromCallable(() -> {
                    for (JWSAlgorithm alg : List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256)) {
                        issuer.verify(issuer.sign(CLAIMS, alg));
                    }
                    keys.jwksJson();
                    return true;
                }).subscribeOn(Schedulers.parallel()))
                .collectList()
                .block();

        assertThat(verified).hasSize(200);
    }
}
