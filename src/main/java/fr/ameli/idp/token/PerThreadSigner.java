package fr.ameli.idp.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JWS signer (ES256 or RS256) whose JCA {@link Signature} is made and initialised with the key once per thread, then
 * reused: a {@code Signature} returns to its initialised state after each {@code sign()} (its contract), so nothing
 * but the signature itself is computed per token. Nimbus's {@code ECDSASigner} and {@code RSASSASigner} look the
 * algorithm up in the provider and initialise a new {@code Signature} for every token: 1.5 % of userinfo's event-loop
 * CPU in a JFR profile (2026-12-07), the same on every token and ID token. The output is what those signers give: the
 * ECDSA signature transcoded from DER to the JWS form (R ‖ S, 64 bytes), the RSA one as it is.
 *
 * <p>A {@code Signature} is not shared between threads; one whose use failed is dropped, so the next token gets a
 * fresh one. The provider and the random are fixed when the signer is made ({@link #getJCAContext()} reports them;
 * setting them there changes nothing). A retired key's signer leaves one {@code Signature} per thread that signed with
 * it until the JVM clears the stale thread-local entries: a few keys a year, a few threads.
 */
final class PerThreadSigner implements JWSSigner {

    private static final int ES256_SIGNATURE_BYTES = 64;

    private final JWSAlgorithm alg;
    private final PrivateKey key;
    private final ThreadLocal<Signature> signatures;
    private final JCAContext jca = new JCAContext();

    /**
     * {@code provider}: the signing provider, or null for the JDK's; {@code random}: given to {@code initSign} (the
     * JDK's ECDSA draws its nonces from it; the native provider uses AWS-LC's own generator).
     */
    PerThreadSigner(JWSAlgorithm alg, PrivateKey key, @Nullable Provider provider, SecureRandom random) {
        String jcaName;
        if (JWSAlgorithm.ES256.equals(alg)) {
            jcaName = "SHA256withECDSA";
        } else if (JWSAlgorithm.RS256.equals(alg)) {
            jcaName = "SHA256withRSA";
        } else {
            throw new IllegalArgumentException("Unsupported signing algorithm " + alg + ": ES256 or RS256");
        }
        this.alg = alg;
        this.key = key;
        this.jca.setProvider(provider);
        this.jca.setSecureRandom(random);
        this.signatures = ThreadLocal.withInitial(() -> {
            try {
                Signature signature = provider == null ? Signature.getInstance(jcaName) : Signature.getInstance(jcaName, provider);
                signature.initSign(key, random);
                return signature;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("No " + jcaName + " signature for this key", e);
            }
        });
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!alg.equals(header.getAlgorithm())) {
            throw new JOSEException("This signer signs " + alg + ", not " + header.getAlgorithm());
        }
        Signature signature;
        try {
            signature = signatures.get();
        } catch (IllegalStateException e) {
            throw new JOSEException(e.getMessage(), e);
        }
        boolean signed = false;
        try {
            signature.update(signingInput);
            byte[] computed = signature.sign();
            signed = true;
            return Base64URL.encode(JWSAlgorithm.ES256.equals(alg)
                    ? ECDSA.transcodeSignatureToConcat(computed, ES256_SIGNATURE_BYTES) : computed);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new JOSEException("Signing failed: " + e.getMessage(), e);
        } finally {
            if (!signed) {
                // Its state is unknown (input buffered by update, whatever was thrown): the next token gets a new one.
                signatures.remove();
            }
        }
    }

    /** The provider of this thread's {@code Signature} (for the tests that check which provider signs). */
    Provider signatureProvider() {
        return signatures.get().getProvider();
    }

    /** The key it signs with (for the tests that check it is the signing provider's own object). */
    PrivateKey key() {
        return key;
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(alg);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
