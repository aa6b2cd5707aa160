package fr.ameli.idp;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * JDK crypto internals that BlockHound reports but that never wait on I/O, so that signing inline on an
 * event loop (as {@code TokenIssuer} does, like Spring Security's {@code NimbusReactiveJwtDecoder}) passes.
 * Registered in {@code META-INF/services}; keep this list short and explained.
 */
public final class JdkCryptoBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // RSA private-key blinding (JDK 17 RSACore): a ReentrantLock held for one map look-up around a per-key
        // cache, and, when concurrent signatures find the cache empty, new blinding factors drawn from the
        // JDK's default SecureRandom (a buffered read of /dev/urandom, which does not block).
        builder.allowBlockingCallsInside("sun.security.rsa.RSACore", "getBlindingRandomPair");
    }
}
