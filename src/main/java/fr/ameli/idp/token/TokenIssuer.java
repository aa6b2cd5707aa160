package fr.ameli.idp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Signs JWTs with the active key of {@link SigningKeys} and verifies JWTs signed by any published key.
 * Both run inline on the caller's thread: the keys, their signers ({@link PerThreadSigner}) and Nimbus verifiers are in
 * memory and were first used when loaded, so nothing here touches the database.
 *
 * <p>Only ES256 and RS256: the algorithm of a JWT to verify comes from its header, which the sender chose,
 * so {@code none}, HMAC and anything else are refused before any key is looked up (RFC 8725 §3.1), and the
 * header's algorithm must be the one the key was made for (§2.1).
 */
@Component
public class TokenIssuer {

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    private static final int MAX_KEYS = 16;

    private final SigningKeys keys;
    private final Map<String, Map<JOSEObjectType, JWSHeader>> headers = new ConcurrentHashMap<>();

    TokenIssuer(SigningKeys keys) {
        this.keys = keys;
    }

    /** A compact JWS with header {@code alg}, {@code kid} and {@code typ: JWT}. */
    public String sign(JWTClaimsSet claims, JWSAlgorithm alg) {
        return sign(claims, alg, JOSEObjectType.JWT);
    }

    /** A compact JWS with header {@code alg}, {@code kid} and the given {@code typ}. */
    public String sign(JWTClaimsSet claims, JWSAlgorithm alg, JOSEObjectType type) {
        if (!ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException("Unsupported signing algorithm " + alg + ": ES256 or RS256");
        }
        LoadedKey key = keys.active(alg);
        SignedJWT jwt = new SignedJWT(header(key.kid(), alg, type), claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Signing with key " + key.kid() + " failed", e);
        }
        return jwt.serialize();
    }

    /**
     * The header {@code alg}, {@code kid}, {@code typ}, made once per key and type: read back from its own encoding,
     * a Nimbus header keeps that encoding, where a built one is serialised to JSON and encoded again for every token.
     * Looked up by the key's kid, then the type: no key is built per token. A few types per key (JWT, logout+jwt…);
     * the map is emptied when it holds more keys than rotation ever keeps (retired keys).
     */
    private JWSHeader header(String kid, JWSAlgorithm alg, JOSEObjectType type) {
        Map<JOSEObjectType, JWSHeader> ofKey = headers.get(kid);
        if (ofKey == null) {
            if (headers.size() >= MAX_KEYS) {
                headers.clear();
            }
            ofKey = headers.computeIfAbsent(kid, k -> new ConcurrentHashMap<>());
        }
        return ofKey.computeIfAbsent(type, t -> {
            try {
                return JWSHeader.parse(new JWSHeader.Builder(alg).keyID(kid).type(t).build().toBase64URL());
            } catch (ParseException e) {
                throw new IllegalStateException("A header of our own does not parse", e);
            }
        });
    }

    /**
     * Checks the signature of a JWT against the keys published now, chosen by its {@code kid}. Only the
     * signature: the caller checks the claims ({@code iss}, {@code aud}, {@code exp}...).
     *
     * @throws InvalidJwtException when the JWT is malformed, names an algorithm other than ES256 or RS256,
     *         names no published key, or its signature does not verify
     */
    public JWTClaimsSet verify(String jwt) {
        SignedJWT parsed;
        try {
            parsed = SignedJWT.parse(jwt); // refuses "alg": "none", which is not a JWS algorithm
        } catch (ParseException | RuntimeException e) {
            // Nimbus throws NullPointerException, not ParseException, for a header that is JSON null.
            throw new InvalidJwtException("not a signed JWT", e);
        }
        JWSHeader header = parsed.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new InvalidJwtException("algorithm " + header.getAlgorithm() + " is not accepted", null);
        }
        String kid = header.getKeyID();
        LoadedKey key = kid == null ? null : keys.published(kid);
        if (key == null) {
            throw new InvalidJwtException("no published key has this kid", null);
        }
        if (!key.schedule().alg().equals(header.getAlgorithm())) {
            throw new InvalidJwtException("algorithm does not match the key", null);
        }
        try {
            if (!parsed.verify(key.verifier())) {
                throw new InvalidJwtException("signature does not verify", null);
            }
            return parsed.getJWTClaimsSet();
        } catch (JOSEException | ParseException e) {
            throw new InvalidJwtException("signature does not verify", e);
        }
    }

    /**
     * A JWT this OP did not sign, or cannot be read. The caller's fault: translate it at the boundary (for
     * an {@code id_token_hint}, into {@code invalid_request}). The message never holds the token.
     */
    public static final class InvalidJwtException extends RuntimeException {

        InvalidJwtException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
            super(message, cause);
        }
    }
}
