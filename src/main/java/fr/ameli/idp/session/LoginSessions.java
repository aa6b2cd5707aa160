package fr.ameli.idp.session;

import fr.ameli.idp.platform.Failures;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.platform.Sql;
import io.r2dbc.spi.Readable;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Login sessions in PostgreSQL, referenced by an HttpOnly, SameSite=Lax cookie (Secure over https), so that
 * any replica serves any request. Lax, not Strict: relying parties send people here by top-level GET
 * navigations, which must carry the cookie for SSO.
 */
@Component
public class LoginSessions {

    public static final String COOKIE = "AMELI_SESSION";

    private static final Logger log = LoggerFactory.getLogger(LoginSessions.class);

    private static final String END = SessionEnd.statement("delete from login_session where id_hash = :id");

    private final DatabaseClient db;
    private final Clock clock;
    private final IdpProperties properties;

    LoginSessions(DatabaseClient db, Clock clock, IdpProperties properties) {
        this.db = db;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * A new session with the cookie that carries it, and the clauses that ride in the statement that stores it
     * ({@code rider}: the give-back of the login's password try; none for other sessions). {@link #open(NewSession)}
     * stores it alone; a caller whose next statement reads the rows the session leads to stores it in that statement
     * instead ({@link #clauses}, data-modifying {@code WITH} clauses, run by {@link #storing}): one round trip
     * instead of two.
     */
    public record NewSession(LoginSession session, ResponseCookie cookie, Sql.Rider rider) {

        /**
         * This session, stored with {@code rider}'s clauses in the same statement (the give-back of the password's
         * rate-limit slots): one round trip less for the login.
         */
        public NewSession riding(Sql.Rider rider) {
            return new NewSession(session, cookie, rider);
        }

        /** The {@code WITH} clause that stores it, named {@code opening}, and its rider's clauses. */
        public String clauses(String clientIds) {
            return "opening as (" + openingSignedInTo(clientIds) + ")" + rider.following();
        }
    }

    /**
     * The insert of a {@link NewSession}'s row, for a {@code WITH} clause of a caller's statement: its parameters are
     * all named {@code :opening_*} (bound by {@link #storing}; a rider's, {@code :gb_*}), so that they do not meet the
     * caller's own.
     */
    public static final String OPENING = openingSignedInTo("'{}'");

    /**
     * {@link #OPENING}, the session already signed in to the relying parties of {@code clientIds} (an SQL expression of
     * type {@code text[]}, e.g. the clients a code was issued to in the same statement: a row cannot be inserted and
     * then updated by one statement). The expression is written into the SQL as it is: a constant of the caller's
     * code, never a value from a request.
     */
    public static String openingSignedInTo(String clientIds) {
        return "insert into login_session (id_hash, account_id, auth_time, amr, acr, federation_id_token, created_at, "
                + "expires_at, client_ids) values (:opening_id, :opening_account, :opening_auth_time, :opening_amr, "
                + ":opening_acr, :opening_fed, :opening_auth_time, :opening_expires, " + clientIds + ")";
    }

    /** Draws a new session (its handle, its row and its cookie), not stored yet. */
    public NewSession draw(UUID accountId, List<String> amr, String acr, @Nullable String federationIdToken) {
        String handle = Secrets.newHandle();
        // At the microsecond, as PostgreSQL keeps it: the login's time is compared in Java with what statements read.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        LoginSession session = new LoginSession(Secrets.sha256(handle), accountId, now, amr, acr, federationIdToken,
                now.plus(properties.oidc().sessionTtl()));
        return new NewSession(session, cookie(handle, properties.oidc().sessionTtl().toSeconds()), Sql.Rider.NONE);
    }

    /** Binds the parameters of {@link #OPENING} (or {@link NewSession#clauses}) in a statement that holds it. */
    private static DatabaseClient.GenericExecuteSpec bindOpening(DatabaseClient.GenericExecuteSpec spec, NewSession opening) {
        LoginSession s = opening.session();
        spec = opening.rider().bind(spec).bind("opening_id", s.idHash())
                .bind("opening_account", s.accountId())
                .bind("opening_auth_time", s.authTime())
                .bind("opening_amr", s.amr().toArray(String[]::new))
                .bind("opening_acr", s.acr())
                .bind("opening_expires", s.expiresAt());
        return s.federationIdToken() == null ? spec.bindNull("opening_fed", String.class)
                : spec.bind("opening_fed", s.federationIdToken());
    }

    /** Opens a session; emits it with the cookie to set. */
    public Mono<NewSession> open(UUID accountId, List<String> amr, String acr, @Nullable String federationIdToken) {
        return Mono.defer(() -> open(draw(accountId, amr, acr, federationIdToken)));
    }

    /**
     * Runs {@code spec}, a statement that holds {@code opening}'s clauses ({@link #OPENING} or
     * {@link NewSession#clauses}), with their parameters bound: {@code run} executes it. The one way to run such a
     * statement, so that none runs without this: should it fail with a database error, the rider's clauses run in a
     * statement of their own before the failure goes on, so that a right password's try is not counted as a wrong
     * one. Only around that statement: after it committed, running the clauses again would give the slots back twice
     * and erase a wrong try. (A reply lost after a commit, the connection gone, does that, rarely; an error of the
     * statement itself rolls it back.)
     */
    public static <T> Mono<T> storing(DatabaseClient db, DatabaseClient.GenericExecuteSpec spec, NewSession opening,
            Function<DatabaseClient.GenericExecuteSpec, Mono<T>> run) {
        Mono<T> statement = run.apply(bindOpening(spec, opening));
        Sql.Rider rider = opening.rider();
        return rider.isEmpty() ? statement : statement.onErrorResume(Failures::fromDatabase, failed -> rider.runAlone(db)
                .onErrorResume(alsoFailed -> {
                    log.warn("The give-back of a login try failed as well: {}", Failures.describe(alsoFailed));
                    return Mono.empty();
                })
                .then(Mono.error(failed)));
    }

    /** Stores a session drawn by {@link #draw}; emits it. */
    public Mono<NewSession> open(NewSession session) {
        return storing(db, db.sql(session.rider().leading() + OPENING), session, DatabaseClient.GenericExecuteSpec::then)
                .thenReturn(session);
    }

    /**
     * The live sessions, as a sub-query binding {@code :id} (the cookie's hash, {@link #cookieHash}) and {@code :now}:
     * for a statement that reads the session together with the rows a request needs next, in one round trip.
     */
    public static final String LIVE = "select id_hash, account_id, auth_time, amr, acr, federation_id_token, expires_at "
            + "from login_session where id_hash = :id and expires_at > :now";

    /** The live session of this browser, or empty. */
    public Mono<LoginSession> current(ServerRequest request) {
        byte[] id = cookieHash(request);
        if (id == null) {
            return Mono.empty();
        }
        return db.sql(LIVE)
                .bind("id", id)
                .bind("now", clock.instant())
                .map(LoginSessions::session)
                .one();
    }

    /** The hash of this browser's session cookie (what {@code login_session.id_hash} holds), or null without one. */
    public static byte @Nullable [] cookieHash(ServerRequest request) {
        return cookieHash(request.exchange().getRequest());
    }

    /** As above, for a request answered in front of the pipeline (the authorization endpoint's GET). */
    public static byte @Nullable [] cookieHash(ServerHttpRequest request) {
        HttpCookie cookie = request.getCookies().getFirst(COOKIE);
        return cookie == null || cookie.getValue().isBlank() ? null : Secrets.sha256(cookie.getValue());
    }

    /** The session in a row of {@link #LIVE}'s columns. */
    public static LoginSession session(Readable row) {
        return new LoginSession(
                row.get("id_hash", byte[].class),
                row.get("account_id", UUID.class),
                row.get("auth_time", OffsetDateTime.class).toInstant(),
                Arrays.asList(row.get("amr", String[].class)),
                row.get("acr", String.class),
                row.get("federation_id_token", String.class),
                row.get("expires_at", OffsetDateTime.class).toInstant());
    }

    /**
     * Ends the session of this browser (if any), queuing in the same statement the logout tokens of the relying parties
     * it signed in to ({@link SessionEnd}); emits the cookie that clears it.
     */
    public Mono<ResponseCookie> end(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(COOKIE);
        Mono<Void> delete = cookie == null ? Mono.empty()
                : db.sql(END).bind("id", Secrets.sha256(cookie.getValue())).bind("now", clock.instant()).then();
        return delete.thenReturn(cookie("", 0));
    }

    private ResponseCookie cookie(String value, long maxAgeSeconds) {
        return ResponseCookie.from(COOKIE, value)
                .httpOnly(true)
                .secure(properties.secure())
                .sameSite("Lax")
                .path("/")
                .maxAge(maxAgeSeconds)
                .build();
    }
}
