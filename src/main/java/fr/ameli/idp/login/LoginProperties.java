package fr.ameli.idp.login;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The security code of a first login on an unknown browser (SPEC 3.2.8): 6 digits by email, valid 10 minutes,
 * 3 attempts (a resend does not give more), a few resends; the browser is then remembered for {@code deviceTtl}.
 * The limits across challenges and on wrong passwords are in {@link fr.ameli.idp.ratelimit.LimitProperties}.
 */
@ConfigurationProperties("idp.login")
public record LoginProperties(
        @DefaultValue("true") boolean securityCodeEnabled,
        @DefaultValue("10m") Duration securityCodeValidity,
        @DefaultValue("3") int securityCodeAttempts,
        @DefaultValue("3") int securityCodeResends,
        @DefaultValue("180d") Duration deviceTtl) {
}
