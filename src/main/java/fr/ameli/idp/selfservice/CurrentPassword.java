package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.account.PasswordTries;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The current password, asked again before a change of address or of password: a session alone (a browser left
 * open) must not be enough to take the account over. A try takes, before the hash is computed and in one atomic
 * statement (the shared limiter, across instances), a slot of the per-account limit of this form and of the login's
 * budget of wrong passwords per NIR and per client address ({@link PasswordTries}): a wrong password is counted
 * wherever it is typed. A right password gives the slots back, so only failures count.
 */
@Component
class CurrentPassword {

    static final String BUCKET = "current-password";

    enum Outcome { RIGHT, WRONG, LIMITED }

    /** {@code retryAfter}: how long a {@code LIMITED} try waits; zero otherwise. */
    record Checked(Outcome outcome, Duration retryAfter) {
    }

    private final PasswordChanges passwords;
    private final PasswordTries tries;
    private final LimitProperties.SelfService limits;

    CurrentPassword(PasswordChanges passwords, PasswordTries tries, LimitProperties limits) {
        this.passwords = passwords;
        this.tries = tries;
        this.limits = limits.selfService();
    }

    Mono<Checked> check(Account account, String typed, String clientAddress) {
        return tries.attempt(account.nir(), clientAddress, () -> passwords.isCurrent(account, typed), ok -> !ok,
                        new RateLimiter.Counter(BUCKET, account.id().toString(), limits.currentPasswordPerAccount()))
                .map(tried -> switch (tried) {
                    case PasswordTries.Tried.Checked<Boolean> checked ->
                            new Checked(checked.result() ? Outcome.RIGHT : Outcome.WRONG, Duration.ZERO);
                    case PasswordTries.Tried.Refused<Boolean> refused -> new Checked(Outcome.LIMITED, refused.retryAfter());
                });
    }
}
