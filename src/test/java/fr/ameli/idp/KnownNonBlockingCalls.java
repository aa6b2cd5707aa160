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
        // Netty 4.2's adaptive buffer allocator grows its set of magazines when threads collide, and frees the old ones
        // under their StampedLock: a lock held for a few instructions, which BlockHound sees as a park when two event
        // loops meet there (seen once in CI, a replica starting while the other served; Netty's own BlockHound rules
        // cover only the allocator's thread-local set; Armeria allows the same call for the same reason, line/armeria#6344).
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
