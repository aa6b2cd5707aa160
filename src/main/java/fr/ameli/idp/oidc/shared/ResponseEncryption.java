package fr.ameli.idp.oidc.shared;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDHEncrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import fr.ameli.idp.client.Encryption;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.client.RelyingPartyKeys;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Nested JWTs (OIDC Core §16.14): a JWT signed by this provider, then encrypted to the relying party's public key
 * with the registered {@code alg}/{@code enc}, header {@code cty: JWT} and the key's {@code kid}. The key is looked
 * up first (cached), so that a missing key refuses the request before anything is consumed.
 */
@Component
public class ResponseEncryption {

    private final RelyingPartyKeys keys;

    ResponseEncryption(RelyingPartyKeys keys) {
        this.keys = keys;
    }

    /** The RP's key for {@code encryption}; an RP that publishes none gets {@code invalid_client}. */
    public Mono<JWK> key(RelyingParty rp, Encryption encryption) {
        return keys.encryptionKey(rp, encryption.alg()).onErrorMap(RelyingPartyKeys.NoUsableKeyException.class,
                e -> new OAuthException(OAuthError.INVALID_CLIENT, "no usable encryption key published by the client"));
    }

    /** Encrypts a compact signed JWT to {@code key}. */
    public static String encrypt(String signedJwt, Encryption encryption, JWK key) {
        JWEHeader header = new JWEHeader.Builder(encryption.alg(), encryption.enc())
                .contentType("JWT")
                .keyID(key.getKeyID())
                .build();
        JWEObject jwe = new JWEObject(header, new Payload(signedJwt));
        try {
            JWEEncrypter encrypter = key instanceof ECKey ec ? new ECDHEncrypter(ec) : new RSAEncrypter((RSAKey) key);
            jwe.encrypt(encrypter);
        } catch (JOSEException e) {
            throw new IllegalStateException("Encrypting to the client's key failed", e);
        }
        return jwe.serialize();
    }
}
