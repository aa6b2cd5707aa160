package fr.ameli.idp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Interim signer (replaced by the persisted, rotating implementation). */
@Component
public class TokenIssuer {

    private final SigningKeys keys;

    TokenIssuer(SigningKeys keys) {
        this.keys = keys;
    }

    public String sign(JWTClaimsSet claims, JWSAlgorithm alg) {
        JWK key = keys.signingKey(alg);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(JWSAlgorithm.ES256.equals(alg) ? new ECDSASigner(key.toECKey()) : new RSASSASigner(key.toRSAKey()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    public JWTClaimsSet verify(String jwt) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256),
                new ImmutableJWKSet<>(keys.publishedKeys())));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        try {
            return processor.process(jwt, null);
        } catch (Exception e) {
            throw new IllegalArgumentException("invalid token");
        }
    }
}
