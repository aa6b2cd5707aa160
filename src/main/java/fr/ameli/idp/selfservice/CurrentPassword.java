package fr.ameli.idp.selfservice;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.account.PasswordChanges;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The current password, asked again before a change of address or of password: a session alone (a browser left
 * open) must not be enough to take the account over. A try takes a slot of the per-account limit before the hash
 * is computed (the shared limiter, across instances); a right password gives it back, so only failures count.
 */
@Component
class CurrentPassword {

    static final String BUCKET = "current-password";

    private static final Logger log = LoggerFactory.getLogger(CurrentPassword.class);

    enum Outcome { RIGHT, WRONG, LIMITED }

    private final PasswordChanges passwords;
    private final RateLimiter limiter;
    private final LimitProperties.SelfService limits;

    CurrentPassword(PasswordChanges passwords, RateLimiter limiter, LimitProperties limits) {
        this.passwords = passwords;
        this.limiter = limiter;
        this.limits = limits.selfService();
    }

    Mono<Outcome> check(Account account, String typed) {
        return limiter.take(new RateLimiter.Counter(BUCKET, account.id().toString(), limits.currentPasswordPerAccount()))
                .flatMap(permit -> {
                    if (permit.refusal() != null) {
                        log.info("Current password refused without a check: limit {} reached", BUCKET);
                        return Mono.just(Outcome.LIMITED);
                    }
                    return passwords.isCurrent(account, typed).flatMap(ok -> ok
                            ? limiter.giveBack(permit).thenReturn(Outcome.RIGHT)
                            : Mono.just(Outcome.WRONG));
                });
    }
}
