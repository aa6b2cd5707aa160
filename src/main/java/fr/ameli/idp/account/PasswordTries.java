package fr.ameli.idp.account;

import fr.ameli.idp.platform.Sql;
import fr.ameli.idp.ratelimit.LimitProperties;
import fr.ameli.idp.ratelimit.RateLimiter;
import fr.ameli.idp.registry.Nir;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The one budget of wrong passwords (README « Security », limits {@code idp.limits.login.*}), wherever a password
 * is checked: the login form (and the app's code redemption, which goes through it), the FranceConnect account
 * link, the current password of « Mes informations ». A try takes a slot per canonical NIR ({@link Nir#value()};
 * every unparsable entry in one bucket of its own) and per client address <em>before</em> the hash is computed,
 * in one atomic statement shared by every instance; a try whose check says it was right gives its slots back, so
 * only failures count: here, or in the caller's next statement where it asks to carry the give-back (the login's
 * session, {@link Tried.Checked#giveBack}). A caller may count the try against limits of its own in the same
 * statement.
 */
@Component
public class PasswordTries {

    public static final String PER_NIR = "login-nir";
    public static final String PER_ADDRESS = "login-address";
    /** The one bucket of every NIR entry that does not parse: each variant must not get a counter of its own. */
    public static final String UNPARSABLE = "unparsable";

    private static final Logger log = LoggerFactory.getLogger(PasswordTries.class);

    /** The outcome of a try: the check's result, or the limit that refused it (and when to try again). */
    public sealed interface Tried<T> {
        /**
         * {@code giveBack}: for a right result that {@code owed} accepts, the give-back of the try's slots that the
         * caller owes ({@link Sql.Rider}, to run in its next statement, or alone should that statement fail); none
         * otherwise (given back already, or a wrong try).
         */
        record Checked<T>(T result, Sql.Rider giveBack) implements Tried<T> {
        }

        /** Refused without a check: {@code bucket} names the limit ({@link #PER_NIR}, {@link #PER_ADDRESS}...). */
        record Refused<T>(String bucket, Duration retryAfter) implements Tried<T> {
        }
    }

    private final RateLimiter limiter;
    private final LimitProperties.Login limits;
    private final Clock clock;

    PasswordTries(RateLimiter limiter, LimitProperties limits, Clock clock) {
        this.limiter = limiter;
        this.limits = limits.login();
        this.clock = clock;
    }

    /**
     * Runs {@code check} within the limits of {@code nir} (null: the entry did not parse) and {@code clientAddress},
     * and of {@code extra} counters; when {@code wrong} says the result was not a failure, the slots are given back.
     */
    public <T> Mono<Tried<T>> attempt(@Nullable Nir nir, String clientAddress, Supplier<Mono<T>> check,
            Predicate<T> wrong, RateLimiter.Counter... extra) {
        return attempt(nir, clientAddress, null, found -> check.get(), wrong, result -> false, extra);
    }

    /**
     * The same, with what {@code check} needs read in the statement that takes the slots ({@code read}, e.g. the
     * account of the NIR; none when null): {@code check} is given what it found, null when nothing. For a result that
     * is not wrong and that {@code owed} accepts, the slots are not given back here: the give-back comes with the
     * result ({@link Tried.Checked#giveBack}), for the caller's next statement (the login's session), one round trip
     * less.
     */
    public <R, T> Mono<Tried<T>> attempt(@Nullable Nir nir, String clientAddress, RateLimiter.@Nullable Read<R> read,
            Function<@Nullable R, Mono<T>> check, Predicate<T> wrong, Predicate<T> owed, RateLimiter.Counter... extra) {
        List<RateLimiter.Counter> counters = new ArrayList<>(List.of(
                new RateLimiter.Counter(PER_ADDRESS, clientAddress, limits.perAddress()),
                new RateLimiter.Counter(PER_NIR, nir == null ? UNPARSABLE : nir.value(), limits.perNir())));
        counters.addAll(List.of(extra));
        return limiter.take(read, counters.toArray(RateLimiter.Counter[]::new)).flatMap(permitAndRead -> {
            RateLimiter.Permit permit = permitAndRead.permit();
            RateLimiter.Taken refusal = permit.refusal();
            if (refusal != null) {
                log.info("Password refused without a check: limit {} reached", refusal.counter().bucket());
                return Mono.just(new Tried.Refused<>(refusal.counter().bucket(), permit.retryAfter(clock.instant())));
            }
            return check.apply(permitAndRead.read()).flatMap(result -> wrong.test(result)
                    ? Mono.just(new Tried.Checked<>(result, Sql.Rider.NONE))
                    : owed.test(result) ? Mono.just(new Tried.Checked<>(result, limiter.givingBack(permit)))
                    : limiter.giveBack(permit).thenReturn(new Tried.Checked<>(result, Sql.Rider.NONE)));
        });
    }
}
