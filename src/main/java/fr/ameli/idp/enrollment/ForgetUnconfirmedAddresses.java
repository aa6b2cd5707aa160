package fr.ameli.idp.enrollment;

import fr.ameli.idp.platform.BackgroundJob;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Forgets, on every instance, the unconfirmed address of each PENDING account whose time has come
 * ({@link LinkWindows#forgetAfter}), so that an address nobody confirmed does not stay reserved by the unique index.
 * An idempotent UPDATE; {@link ActivationRecovery} also forgets at once when the person comes back.
 */
@Component
class ForgetUnconfirmedAddresses implements BackgroundJob {

    private static final Logger log = LoggerFactory.getLogger(ForgetUnconfirmedAddresses.class);

    private final ActivationRecoveryStore store;
    private final Clock clock;
    private final EnrollmentProperties properties;

    ForgetUnconfirmedAddresses(ActivationRecoveryStore store, Clock clock, EnrollmentProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
    }

    @Override
    public String name() {
        return "forget-unconfirmed-addresses";
    }

    @Override
    public Duration interval() {
        return properties.forgetSweepInterval();
    }

    @Override
    public Mono<Void> run() {
        return store.forgetDueAddresses(clock.instant())
                .doOnNext(n -> {
                    if (n > 0) {
                        log.info("Forgot {} unconfirmed address(es) of pending accounts", n);
                    }
                })
                .then();
    }
}
