package fr.ameli.idp.oidc.logout;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.platform.BackgroundJob;
import fr.ameli.idp.platform.Failures;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.token.TokenIssuer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.r2dbc.spi.Readable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Back-Channel Logout 1.0, the sending side: a {@link BackgroundJob} that delivers the logout tokens queued in the
 * {@code backchannel_logout} outbox by the statements that end sessions ({@code session.SessionEnd}).
 *
 * <p>Each poll claims the due rows with a lease ({@code UPDATE ... FOR UPDATE SKIP LOCKED}: two instances never hold
 * the same row), then for each signs a logout token and POSTs it ({@code application/x-www-form-urlencoded},
 * {@code logout_token=...}) to the relying party's {@code backchannel_logout_uri} with the reactive WebClient
 * (connect and whole-exchange timeouts), all of a batch at once. The row is deleted once the RP answered 2xx. A
 * network failure, a timeout, 5xx, 408 or 429 is retried with exponential backoff, until
 * {@code idp.backchannel-logout.max-attempts}, when the row is dropped; any other answer (the RP refused the token)
 * drops it at once. A row whose instance died is taken over when its lease ends: nothing is lost across restarts.
 *
 * <p>The token (§2.4): {@code typ logout+jwt}, signed with the provider's key in the RP's ID token algorithm (ES256
 * unless it registered RS256), {@code iss}, {@code aud} (the client), {@code iat}, {@code exp}
 * ({@code idp.backchannel-logout.token-ttl}), {@code jti}, {@code sub} (the pairwise subject this RP knows; left out
 * when the account no longer exists), {@code sid} (as in the RP's ID tokens) and the back-channel logout event; never a
 * {@code nonce}. Logs name the row and the client, never the subject, the sid or the token.
 */
@Component
class BackchannelLogouts implements BackgroundJob {

    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    static final JOSEObjectType TYPE = new JOSEObjectType("logout+jwt");

    private static final Logger log = LoggerFactory.getLogger(BackchannelLogouts.class);

    private static final String CLAIM = "with claimed as (update backchannel_logout set locked_until = :lease_end "
            + "where id in (select id from backchannel_logout where next_attempt_at <= :now "
            + "and (locked_until is null or locked_until < :now) order by next_attempt_at limit :n for update skip locked) "
            + "returning id, client_id, account_id, sid, attempts) "
            + "select c.id, c.client_id, c.sid, c.attempts, a.nir from claimed c left join account a on a.id = c.account_id";
    private static final String DONE = "delete from backchannel_logout where id = :id";
    private static final String RETRY = "update backchannel_logout set attempts = :attempts, next_attempt_at = :next, "
            + "last_error = :error, locked_until = null where id = :id";

    private final DatabaseClient db;
    private final RelyingParties clients;
    private final TokenIssuer tokens;
    private final PairwiseSubject subjects;
    private final IdpProperties idp;
    private final Clock clock;
    private final BackchannelLogoutProperties props;
    private final WebClient http;
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;

    BackchannelLogouts(DatabaseClient db, RelyingParties clients, TokenIssuer tokens, PairwiseSubject subjects,
            IdpProperties idp, Clock clock, BackchannelLogoutProperties props, MeterRegistry meters) {
        this.db = db;
        this.clients = clients;
        this.tokens = tokens;
        this.subjects = subjects;
        this.idp = idp;
        this.clock = clock;
        this.props = props;
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) props.connectTimeout().toMillis())
                .responseTimeout(props.timeout());
        this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
        this.delivered = counter(meters, "delivered", "Logout tokens a relying party accepted (2xx)");
        this.failed = counter(meters, "failed", "Attempts that failed and are retried");
        this.dropped = counter(meters, "dropped", "Logout tokens given up (refused, attempts exhausted, RP gone)");
    }

    private static Counter counter(MeterRegistry meters, String outcome, String description) {
        return Counter.builder("idp.backchannel.logout").description(description).tag("outcome", outcome)
                .register(meters);
    }

    @Override
    public String name() {
        return "backchannel-logout";
    }

    @Override
    public @Nullable String disabledReason() {
        return props.senderEnabled() ? null
                : "idp.backchannel-logout.sender-enabled=false: logout tokens wait in backchannel_logout for another instance";
    }

    /** Logout tokens queued before a restart go at once. */
    @Override
    public Duration initialDelay() {
        return Duration.ZERO;
    }

    @Override
    public Duration interval() {
        return props.pollInterval();
    }

    /** The batch in flight is sent (each exchange is bounded by the timeout) and its outcomes recorded. */
    @Override
    public Duration stopTimeout() {
        return props.timeout().plusSeconds(5);
    }

    @Override
    public Mono<Void> run() {
        return Mono.defer(() -> claim(clock.instant()).flatMap(this::deliver, props.batchSize()).then());
    }

    /** A claimed row. {@code nir} is null when the account no longer exists. */
    record Claimed(UUID id, String clientId, String sid, int attempts, @Nullable String nir) {

        @Override
        public String toString() {
            return "Claimed[id=" + id + ", client=" + clientId + ", attempts=" + attempts + "]";
        }
    }

    /** What the relying party's answer means for the row. */
    private enum Outcome { DELIVERED, RETRY, REFUSED }

    private record Attempt(Outcome outcome, String detail) {
    }

    Flux<Claimed> claim(Instant now) {
        return db.sql(CLAIM)
                .bind("lease_end", now.plus(props.lease()))
                .bind("now", now)
                .bind("n", props.batchSize())
                .map(BackchannelLogouts::claimed)
                .all();
    }

    private Mono<Void> deliver(Claimed row) {
        return clients.find(row.clientId()).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(rp -> {
                    URI target = rp.map(RelyingParty::backchannelLogoutUri).orElse(null);
                    if (target == null) {
                        return drop(row, "the client is gone or no longer has a backchannel_logout_uri");
                    }
                    return post(target, logoutToken(rp.get(), row)).flatMap(attempt -> record(row, attempt));
                })
                .onErrorResume(e -> {
                    // The outcome could not be recorded: the lease runs out and the row is tried again.
                    log.warn("Back-channel logout {} to {}: outbox update failed: {}", row.id(), row.clientId(),
                            Failures.describe(e));
                    return Mono.empty();
                });
    }

    private String logoutToken(RelyingParty rp, Claimed row) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(idp.issuer())
                .audience(rp.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(props.tokenTtl())))
                .jwtID(Secrets.newHandle())
                .claim("sid", row.sid())
                .claim("events", Map.of(EVENT, Map.of()));
        if (row.nir() != null) {
            claims.subject(subjects.of(rp.sector(), row.nir()));
        }
        return tokens.sign(claims.build(), rp.idTokenAlg(), TYPE);
    }

    private Mono<Attempt> post(URI target, String token) {
        return http.post().uri(target)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("logout_token", token))
                .exchangeToMono(response -> response.releaseBody().thenReturn(attempt(response.statusCode())))
                .timeout(props.timeout())
                .onErrorResume(e -> Mono.just(new Attempt(Outcome.RETRY, Failures.describe(e))));
    }

    /** 2xx: done (§2.8 asks for 200; 204 is taken too). 5xx, 408, 429: try again later. Anything else: refused. */
    private static Attempt attempt(HttpStatusCode status) {
        String detail = "HTTP " + status.value();
        if (status.is2xxSuccessful()) {
            return new Attempt(Outcome.DELIVERED, detail);
        }
        boolean retryable = status.is5xxServerError() || status.value() == 408 || status.value() == 429;
        return new Attempt(retryable ? Outcome.RETRY : Outcome.REFUSED, detail);
    }

    private Mono<Void> record(Claimed row, Attempt attempt) {
        return switch (attempt.outcome()) {
            case DELIVERED -> db.sql(DONE).bind("id", row.id()).then().doOnSuccess(done -> {
                delivered.increment();
                log.debug("Back-channel logout {} to {} delivered", row.id(), row.clientId());
            });
            case REFUSED -> drop(row, "refused by the relying party (" + attempt.detail() + ")");
            case RETRY -> retry(row, attempt.detail());
        };
    }

    private Mono<Void> retry(Claimed row, String error) {
        int attempts = row.attempts() + 1;
        if (attempts >= props.maxAttempts()) {
            return drop(row, "not delivered after " + attempts + " attempts (" + error + ")");
        }
        failed.increment();
        Duration backoff = props.backoff().after(attempts);
        log.warn("Back-channel logout {} to {} not delivered, attempt {} of {} ({}); next attempt in {}", row.id(),
                row.clientId(), attempts, props.maxAttempts(), error, backoff);
        return db.sql(RETRY)
                .bind("attempts", attempts)
                .bind("next", clock.instant().plus(backoff))
                .bind("error", error)
                .bind("id", row.id())
                .then();
    }

    private Mono<Void> drop(Claimed row, String why) {
        return db.sql(DONE).bind("id", row.id()).then().doOnSuccess(done -> {
            dropped.increment();
            log.warn("Back-channel logout {} to {} dropped: {}", row.id(), row.clientId(), why);
        });
    }

    private static Claimed claimed(Readable row) {
        return new Claimed(row.get("id", UUID.class), row.get("client_id", String.class), row.get("sid", String.class),
                row.get("attempts", Integer.class), row.get("nir", String.class));
    }
}
