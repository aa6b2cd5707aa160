package fr.ameli.idp.ratelimit;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every limit on what an attacker could guess (README « Security », table « Limits »), in one place. Each is a
 * {@link FixedWindow} ({@code limit} per {@code length}) counted in PostgreSQL, so it holds across instances;
 * per subject (the canonical NIR, or the account) and per client address (the trusted proxy hop, see
 * {@code idp.http.trusted-proxy-hops}). Where the subject is closed for a while once the limit is reached, the
 * holder is told by mail.
 */
@ConfigurationProperties("idp.limits")
public record LimitProperties(@DefaultValue Login login, @DefaultValue SecurityCode securityCode,
        @DefaultValue ProvisionalCode provisionalCode, @DefaultValue ForgottenCode forgottenCode,
        @DefaultValue Enrollment enrollment, @DefaultValue SelfService selfService,
        @DefaultValue ClientSecret clientSecret, @DefaultValue Captcha captcha) {

    /**
     * The login form: wrong passwords (or provisional codes) per NIR, and per client address; a right one does not
     * count. Beyond either, the form is refused (429) until the window ends, without computing a hash.
     */
    public record Login(FixedWindow perNir, FixedWindow perAddress) {
        public Login {
            perNir = or(perNir, Duration.ofMinutes(15), 10);
            perAddress = or(perAddress, Duration.ofHours(1), 30);
        }
    }

    /**
     * The security code of a first login on a new browser (sent after a right password): wrong codes per account
     * across challenges (reaching the limit closes the code step for {@code lockout} and tells the holder), and
     * codes sent per account (first sends and resends).
     */
    public record SecurityCode(FixedWindow failuresPerAccount, FixedWindow codesPerAccount,
            @DefaultValue("24h") Duration lockout) {
        public SecurityCode {
            failuresPerAccount = or(failuresPerAccount, Duration.ofHours(24), 10);
            codesPerAccount = or(codesPerAccount, Duration.ofHours(24), 10);
        }
    }

    /**
     * Provisional codes (counter or « Code oublié ? »): wrong entries per NIR across codes. Reaching the limit
     * closes the path for that NIR for {@code lockout} (no code login, no new code by mail) and tells the holder.
     */
    public record ProvisionalCode(FixedWindow failuresPerNir, @DefaultValue("24h") Duration lockout) {
        public ProvisionalCode {
            failuresPerNir = or(failuresPerNir, Duration.ofHours(24), 5);
        }
    }

    /** « Code oublié ? » requests (each may mail a code) per NIR and per client address. */
    public record ForgottenCode(FixedWindow perNir, FixedWindow perAddress) {
        public ForgottenCode {
            perNir = or(perNir, Duration.ofHours(24), 5);
            perAddress = or(perAddress, Duration.ofHours(1), 20);
        }
    }

    /**
     * Account creation, web and app alike: identity submissions (each tests a name, birth date and postal code
     * against the registry and may reveal eligibility facts) and proof submissions (IBAN and carte Vitale digits),
     * per NIR across attempts and per client address.
     */
    public record Enrollment(FixedWindow identityPerNir, FixedWindow identityPerAddress,
            FixedWindow proofPerNir, FixedWindow proofPerAddress) {
        public Enrollment {
            identityPerNir = or(identityPerNir, Duration.ofHours(24), 10);
            identityPerAddress = or(identityPerAddress, Duration.ofHours(1), 20);
            proofPerNir = or(proofPerNir, Duration.ofHours(24), 6);
            proofPerAddress = or(proofPerAddress, Duration.ofHours(1), 20);
        }
    }

    /**
     * « Mes informations »: wrong current passwords (asked before an email or password change) per account; a right
     * one does not count. Beyond, the forms are refused until the window ends, without computing a hash.
     */
    public record SelfService(FixedWindow currentPasswordPerAccount) {
        public SelfService {
            currentPasswordPerAccount = or(currentPasswordPerAccount, Duration.ofMinutes(15), 5);
        }
    }

    /**
     * Client secrets at the token, revocation and PAR endpoints ({@code client_secret_basic} and
     * {@code client_secret_post}): wrong secrets per {@code client_id} and per client address; a right one does not
     * count. Beyond either, {@code invalid_client} with {@code Retry-After} until the window ends, the secret unchecked.
     */
    public record ClientSecret(FixedWindow perClient, FixedWindow perAddress) {
        public ClientSecret {
            perClient = or(perClient, Duration.ofMinutes(15), 20);
            perAddress = or(perAddress, Duration.ofHours(1), 50);
        }
    }

    /**
     * Captchas of « Code oublié ? » (pages and app): challenges drawn and images or sounds rendered, per client
     * address. Beyond, 429 with {@code Retry-After} and nothing drawn.
     */
    public record Captcha(FixedWindow perAddress) {
        public Captcha {
            perAddress = or(perAddress, Duration.ofHours(1), 120);
        }
    }

    /** A window left out of the configuration gets its default (the binder passes null for it). */
    private static FixedWindow or(@Nullable FixedWindow configured, Duration length, int limit) {
        return configured != null ? configured : new FixedWindow(length, limit);
    }
}
