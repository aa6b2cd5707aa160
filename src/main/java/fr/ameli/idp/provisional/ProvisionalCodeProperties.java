package fr.ameli.idp.provisional;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Provisional codes and the forgotten-code form.
 *
 * @param counterValidity how long a code issued at a counter (operator API) works
 * @param counterLength 4 or 8 digits for counter codes (the operator may ask for either)
 * @param emailedValidity how long a code sent by « Code oublié ? » works (30 minutes in seed 003)
 * @param maxAttempts wrong entries a code survives; then it is dead (4 digits: 5 tries leave a 1-in-2000 chance)
 * @param resetTtl how long, after logging in with a code, the person has to choose a new personal code
 * @see fr.ameli.idp.ratelimit.LimitProperties the limits across codes (per NIR) and on « Code oublié ? »
 */
@ConfigurationProperties("idp.provisional-code")
public record ProvisionalCodeProperties(
        @DefaultValue("30d") Duration counterValidity,
        @DefaultValue("8") int counterLength,
        @DefaultValue("30m") Duration emailedValidity,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("15m") Duration resetTtl) {

    public ProvisionalCodeProperties {
        if (counterLength != 4 && counterLength != 8) {
            throw new IllegalArgumentException("idp.provisional-code.counter-length must be 4 or 8");
        }
    }
}
