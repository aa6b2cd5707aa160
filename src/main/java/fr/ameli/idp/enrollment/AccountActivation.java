package fr.ameli.idp.enrollment;

import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.EmailConfirmations;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The activation mail (SPEC 3.2.7): « Votre compte ameli - Confirmation de votre adresse mail », a
 * single-use link under the public base URL, valid for the {@link LinkWindows} of the path the account was
 * created on; following it activates the PENDING account. The link and the mail are written to the outbox in
 * the caller's transaction.
 */
@Component
public class AccountActivation {

    /** Links a pending account may be sent in an hour, whichever page asks (seed 001: resending is limited). */
    static final int MAX_LINKS_PER_HOUR = 5;

    private final EmailConfirmations confirmations;
    private final Accounts accounts;
    private final TransactionalOperator tx;
    private final EnrollmentProperties properties;
    private final Clock clock;

    AccountActivation(EmailConfirmations confirmations, Accounts accounts, TransactionalOperator tx,
            EnrollmentProperties properties, Clock clock) {
        this.confirmations = confirmations;
        this.accounts = accounts;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The windows of the activation link on each path (seed 001: 7/21 days with a provisional code; else 21 days). */
    public LinkWindows windows(Enrollment.Path path) {
        return path == Enrollment.Path.PROVISIONAL_CODE
                ? new LinkWindows(properties.provisionalActivationLinkValidity(), properties.provisionalAddressRetention())
                : new LinkWindows(properties.activationLinkValidity(), null);
    }

    /** Issues a new link (older ones die) and queues the mail; joins the caller's transaction. */
    public Mono<Void> sendLink(UUID accountId, String email, LinkWindows windows) {
        return confirmations.send(accountId, email, EmailConfirmations.Purpose.ACTIVATION, windows.validity(),
                windows.forgetAfter(), "/inscription/activation");
    }

    /** Whether the account already had {@link #MAX_LINKS_PER_HOUR} links in the last hour: no other one is sent. */
    Mono<Boolean> tooManyLinks(UUID accountId) {
        return confirmations.issuedSince(accountId, clock.instant().minus(Duration.ofHours(1)))
                .map(count -> count >= MAX_LINKS_PER_HOUR);
    }

    /** Follows a link: consumes it and activates the account, in one transaction. */
    public Mono<EmailConfirmations.Result> activate(String token) {
        return confirmations.consume(token)
                .flatMap(result -> result.outcome() == EmailConfirmations.Outcome.CONFIRMED
                        && result.purpose() == EmailConfirmations.Purpose.ACTIVATION
                        ? accounts.activate(result.accountId(), clock.instant()).thenReturn(result)
                        : Mono.just(result))
                .as(tx::transactional);
    }
}
