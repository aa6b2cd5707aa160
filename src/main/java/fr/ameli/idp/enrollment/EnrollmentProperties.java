package fr.ameli.idp.enrollment;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Limits of account creation. The activation link lives 21 days on the 2025 path (seed 004). */
@ConfigurationProperties("idp.enrollment")
public record EnrollmentProperties(
        @DefaultValue("2h") Duration ttl,
        @DefaultValue("3") int maxProofAttempts,
        @DefaultValue("5") int maxIdentityAttempts,
        @DefaultValue("30m") Duration lockDuration,
        @DefaultValue("21d") Duration activationLinkValidity,
        @DefaultValue("2025-07") String cguVersion) {
}
