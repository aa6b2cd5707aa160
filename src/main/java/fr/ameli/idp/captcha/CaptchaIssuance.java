package fr.ameli.idp.captcha;

import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Captchas drawn per client address ({@code idp.limits.captcha.per-address}), pages and app alike: each new challenge
 * and each image or sound rendered counts, so that nobody can harvest challenges (to solve them elsewhere) or spend the
 * service's CPU on drawings without bound. Beyond the limit nothing is drawn until the window ends.
 */
@Component
public class CaptchaIssuance {

    static final String PER_ADDRESS = "captcha-address";

    private final RateLimiter limiter;
    private final LimitProperties.Captcha limits;
    private final Clock clock;

    CaptchaIssuance(RateLimiter limiter, LimitProperties limits, Clock clock) {
        this.limiter = limiter;
        this.limits = limits.captcha();
        this.clock = clock;
    }

    /** Counts one drawing for {@code clientAddress}: {@code draw} when within the limit, else {@code refused} with the wait. */
    public <T> Mono<T> within(String clientAddress, Supplier<Mono<T>> draw, Function<Duration, Mono<T>> refused) {
        return limiter.take(new RateLimiter.Counter(PER_ADDRESS, clientAddress, limits.perAddress()))
                .flatMap(permit -> permit.allowed() ? draw.get() : refused.apply(permit.retryAfter(clock.instant())));
    }
}
