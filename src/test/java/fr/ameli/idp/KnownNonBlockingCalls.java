package fr.ameli.idp;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * The few calls BlockHound sees as blocking that are not: each entry says why. Everything else that
 * blocks on a Netty or Reactor non-blocking thread fails the suite.
 */
public class KnownNonBlockingCalls implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        // The default SecureRandom (used by Spring Security's CSRF token masking and by UUID.randomUUID)
        // reads /dev/urandom, which never blocks once the kernel pool is initialised (Linux >= 4.8).
        builder.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes");
    }
}
