package fr.ameli.idp.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JCA provider that computes this service's JWS signatures: Amazon Corretto Crypto Provider (AWS-LC, native) where
 * it loads and passes its self-tests, else the JDK's own (SunEC, SunRsaSign), chosen once at start-up.
 *
 * <p>Why: an ES256 signature is the largest single cost of a userinfo response and of a token response. On the
 * benchmark machine the JDK 25 signs in 165–200 µs, AWS-LC in 50–70 µs (bench/LOG.md); the
 * signatures are the same standard ECDSA P-256 (RSA PKCS#1 v1.5) that any verifier checks, and every key is probed at
 * load (a signature by this provider verified by the JDK's verifier, {@code SigningKeys}). Only signing: the
 * verification of JWTs that others send stays with the JDK. The provider is not installed in the JVM's list, so that
 * nothing else (TLS, SecureRandom, hashing) changes.
 *
 * <p>Loading it (extracting the library, loading it, its self-tests) takes 0.3–0.4 s: {@link #loadInBackground} starts
 * that on a thread of its own as the service starts, so that the first signing key, which needs it, does not wait
 * the whole of it on the start's critical path.
 */
public final class SignatureProvider {

    /** Whether the choice was logged: once, by the first caller that signs (the logging is configured by then). */
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private SignatureProvider() {
    }

    /** The provider, or null with why it is not available. */
    private record Choice(@Nullable Provider provider, @Nullable String failure) {
    }

    /** Loaded when first asked for (the JVM runs a class's initialisation once, other threads wait for it). */
    private static final class Loaded {
        static final Choice CHOICE = load();

        private static Choice load() {
            try {
                AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
                provider.assertHealthy(); // the library loaded and its self-tests passed
                return new Choice(provider, null);
            } catch (LinkageError | RuntimeException e) {
                return new Choice(null, e.toString());
            }
        }
    }

    /** Starts loading the provider now, off the calling thread; {@link #forSigning} waits for it if still loading. */
    public static void loadInBackground() {
        Thread.ofPlatform().name("signature-provider").daemon().start(() -> Objects.requireNonNull(Loaded.CHOICE));
    }

    /** The provider for JWS signing, or null for the JDK's default providers. */
    static @Nullable Provider forSigning() {
        Choice choice = Loaded.CHOICE;
        if (TOLD.compareAndSet(false, true)) {
            Logger log = LoggerFactory.getLogger(SignatureProvider.class);
            if (choice.provider() != null) {
                log.info("JWS signatures computed by {} {}", choice.provider().getName(),
                        choice.provider().getVersionStr());
            } else {
                log.info("JWS signatures computed by the JDK: the native provider is not available on this platform ({})",
                        choice.failure());
            }
        }
        return choice.provider();
    }

    /**
     * The key as an object of the signing provider. A key of another provider (the JDK's, as Nimbus reads a JWK) is
     * not refused but converted on every {@code initSign}: encoded to PKCS#8 and parsed into a native key again,
     * 3 % of the server's CPU in the SSO flow (JFR, 2026-12-06). Converted once here, each signature uses the native
     * key as it is. Without the native provider, the key unchanged.
     */
    static PrivateKey ownKey(PrivateKey key) {
        Provider provider = forSigning();
        if (provider == null) {
            return key;
        }
        try {
            return (PrivateKey) KeyFactory.getInstance(key.getAlgorithm(), provider).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The signing provider cannot take a " + key.getAlgorithm() + " key", e);
        }
    }
}
