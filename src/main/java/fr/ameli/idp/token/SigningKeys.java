package fr.ameli.idp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;

/** Interim in-memory signing keys (replaced by the persisted, rotating implementation). */
@Component
public class SigningKeys {

    private final JWK es256;
    private final JWK rs256;
    private final byte[] jwks;

    SigningKeys() throws JOSEException {
        es256 = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                .keyIDFromThumbprint(true).generate();
        rs256 = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                .keyIDFromThumbprint(true).generate();
        jwks = publishedKeys().toString().getBytes(StandardCharsets.UTF_8);
    }

    public JWK signingKey(JWSAlgorithm alg) {
        if (JWSAlgorithm.ES256.equals(alg)) {
            return es256;
        }
        if (JWSAlgorithm.RS256.equals(alg)) {
            return rs256;
        }
        throw new IllegalArgumentException("unsupported algorithm");
    }

    public JWKSet publishedKeys() {
        return new JWKSet(List.of(es256.toPublicJWK(), rs256.toPublicJWK()));
    }

    public byte[] jwksJson() {
        return jwks;
    }
}
