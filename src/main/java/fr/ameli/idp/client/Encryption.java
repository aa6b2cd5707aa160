package fr.ameli.idp.client;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a relying party wants a JWT encrypted (OIDC Registration {@code *_encrypted_response_alg/enc}): the key
 * management algorithms FranceConnect+ accepts, and A256GCM content encryption.
 */
public record Encryption(JWEAlgorithm alg, EncryptionMethod enc) {

    public static final List<JWEAlgorithm> ALGORITHMS = List.of(JWEAlgorithm.RSA_OAEP_256, JWEAlgorithm.RSA_OAEP,
            JWEAlgorithm.ECDH_ES);
    public static final List<EncryptionMethod> METHODS = List.of(EncryptionMethod.A256GCM);

    /** Null when no algorithm is registered; enc defaults to A256GCM, the only content encryption offered. */
    static @Nullable Encryption of(@Nullable String alg, @Nullable String enc, String setting) {
        if (alg == null || alg.isBlank()) {
            if (enc != null && !enc.isBlank()) {
                throw new IllegalArgumentException("invalid client setting: " + setting + "_enc without " + setting + "_alg");
            }
            return null;
        }
        JWEAlgorithm a = JWEAlgorithm.parse(alg.trim());
        EncryptionMethod e = enc == null || enc.isBlank() ? EncryptionMethod.A256GCM : EncryptionMethod.parse(enc.trim());
        if (!ALGORITHMS.contains(a) || !METHODS.contains(e)) {
            throw new IllegalArgumentException("invalid client setting: " + setting
                    + " (alg RSA-OAEP, RSA-OAEP-256 or ECDH-ES; enc A256GCM)");
        }
        return new Encryption(a, e);
    }
}
