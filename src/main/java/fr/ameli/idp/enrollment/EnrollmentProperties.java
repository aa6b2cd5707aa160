package fr.ameli.idp.enrollment;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of account creation. The activation link lives 21 days on the 2025 path (seed 004); on the
 * provisional-code path (seed 001) it lives 7 days, a dead link can be resent until 21 days, and then the
 * unconfirmed address is forgotten. {@code recoveryTtl}: how long a browser may ask for a new link once it
 * proved it may (dead link followed, or login with the password).
 */
@ConfigurationProperties("idp.enrollment")
public record EnrollmentProperties(
        @DefaultValue("2h") Duration ttl,
        @DefaultValue("3") int maxProofAttempts,
        @DefaultValue("5") int maxIdentityAttempts,
        @DefaultValue("30m") Duration lockDuration,
        @DefaultValue("21d") Duration activationLinkValidity,
        @DefaultValue("2025-07") String cguVersion,
        @DefaultValue("7d") Duration provisionalActivationLinkValidity,
        @DefaultValue("21d") Duration provisionalAddressRetention,
        @DefaultValue("30m") Duration recoveryTtl,
        @DefaultValue("1h") Duration forgetSweepInterval) {
}
