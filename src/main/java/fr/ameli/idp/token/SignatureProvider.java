package fr.ameli.idp.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that computes this service's JWS signatures: Amazon Corretto Crypto Provider (AWS-LC, native) where
 * it loads and passes its self-tests, else the JDK's own (SunEC, SunRsaSign), chosen once at start-up.
 *
 * <p>Why: an ES256 signature is the largest single cost of a userinfo response and of a token response. On the
 * benchmark machine the JDK 25 signs in 165–200 µs, AWS-LC in 50–70 µs (README, "Performance"); the
 * signatures are the same standard ECDSA P-256 (RSA PKCS#1 v1.5) that any verifier checks, and every key is probed at
 * load (a signature by this provider verified by the JDK's verifier, {@code SigningKeys}). Only signing: the
 * verification of JWTs that others send stays with the JDK. The provider is not installed in the JVM's list, so that
 * nothing else (TLS, SecureRandom, hashing) changes.
 */
final class SignatureProvider {

    private static final Logger log = LoggerFactory.getLogger(SignatureProvider.class);

    private static final @Nullable Provider NATIVE = load();

    private SignatureProvider() {
    }

    /** The provider for JWS signing, or null for the JDK's default providers. */
    static @Nullable Provider forSigning() {
        return NATIVE;
    }

    private static @Nullable Provider load() {
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            provider.assertHealthy(); // the library loaded and its self-tests passed
            log.info("JWS signatures computed by {} {}", provider.getName(), provider.getVersionStr());
            return provider;
        } catch (LinkageError | RuntimeException e) {
            log.info("JWS signatures computed by the JDK: the native provider is not available on this platform ({})",
                    e.toString());
            return null;
        }
    }
}
