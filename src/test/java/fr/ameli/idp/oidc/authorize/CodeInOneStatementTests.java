package fr.ameli.idp.oidc.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.oidc.shared.AuthorizationCode;
import fr.ameli.idp.oidc.shared.AuthorizationCodes;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.error.OAuthException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import fr.ameli.idp.SqlStatements;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The statements that answer a request (a code sealed after them) in the round trip that reads the facts it depends on, against the real schema.
 * An authorization request with a session cookie (SSO): the statement that reads the session and the consent issues
 * the code only where the interaction policy answers at once, and otherwise writes nothing (no code, the session not
 * marked as signed in to the client), so that the person is sent to log in or consent exactly as before; at the edge
 * of max_age, where the statement's test is a second short, the code is issued after it. The return from a login:
 * the statement that stores the new session issues the code likewise, retires the pending request and stores the
 * session signed in to the client, or stores the session alone. The client is the test's own (consents and codes
 * are per client), the clock frozen.
 */
@IdpIntegrationTest
class CodeInOneStatementTests {

    static final String CLIENT = "sso-answer-test-rp";
    static final String REDIRECT = "https://rp.example/callback";

    @Autowired
    AuthorizationFlow flow;

    @Autowired
    DatabaseClient db;

    @Autowired
    MutableClock clock;

    @Autowired
    AuthorizationStore store;

    @Autowired
    AuthorizationCodes codes;

    @Autowired
    fr.ameli.idp.platform.IdpProperties properties;

    @Autowired
    fr.ameli.idp.session.LoginSessions sessions;

    Instant now;
    UUID account;

    @BeforeEach
    void setUp() {
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        clock.set(now);
        account = db.sql("select id from account order by created_at limit 1").map(row -> row.get("id", UUID.class)).one().block();
        db.sql("delete from consent where client_id = :client").bind("client", CLIENT).then().block();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /**
     * Columns: the session's level, its age (microseconds: the edge of max_age is a microsecond wide), whether it
     * has expired, the consent given (scopes, empty for none), the request's level, prompt and max_age, then where the
     * browser goes ({@code code}, {@code /login}, {@code /consent}, or the OAuth error of a {@code prompt=none}) and
     * in how many statements: a code in 1 is the statement's own, in 2 the policy's after it.
     */
    @ParameterizedTest(name = "session {0} {1}µs old (expired {2}), consent [{3}], request {4} prompt={5} max_age={6} -> {7} in {8}")
    @CsvSource({
            "eidas1, 60000000, false, openid profile, eidas1,        ,    , code, 1",
            "eidas2, 60000000, false, openid profile, eidas1,        ,    , code, 1",
            "eidas2, 60000000, false, openid profile, eidas2,        ,    , code, 1",
            "eidas1, 60000000, false, openid profile, eidas1,    none,    , code, 1",
            "eidas1, 60000000, false, openid profile email, eidas1,  ,    , code, 1",
            "eidas1, 60000000, false, openid profile, eidas2,        ,    , /login, 2",
            "eidas1, 60000000, false, openid profile, eidas2,    none,    , login_required, 1",
            "eidas1, 60000000, true,  openid profile, eidas1,        ,    , /login, 2",
            "eidas1, 60000000, true,  openid profile, eidas1,    none,    , login_required, 1",
            "eidas1, 60000000, false,               , eidas1,        ,    , /consent, 2",
            "eidas1, 60000000, false, openid,         eidas1,        ,    , /consent, 2",
            "eidas1, 60000000, false, openid,         eidas1,    none,    , consent_required, 1",
            "eidas1, 60000000, false, openid profile, eidas1,   login,    , /login, 2",
            "eidas1, 60000000, false, openid profile, eidas1, consent,    , /consent, 2",
            "eidas1, 60000000, false, openid profile, eidas1,        , 120, code, 1",
            "eidas1, 60000000, false, openid profile, eidas1,        ,  30, /login, 2",
            "eidas1, 30999999, false, openid profile, eidas1,        ,  30, code, 2",
            "eidas1, 30000000, false, openid profile, eidas1,        ,  30, code, 2",
            "eidas1, 29999999, false, openid profile, eidas1,        ,  30, code, 1",
            "eidas1, 31000000, false, openid profile, eidas1,    none,  30, login_required, 1"
    })
    void ssoRequestWhenFactsThenCodeOnlyWherePolicyAnswersAtOnce(String sessionAcr, long ageMicros, boolean expired,
            @Nullable String consent, String requestAcr, @Nullable String prompt, @Nullable Integer maxAge, String expected,
            int statements) {
        String handle = Secrets.newHandle();
        byte[] hash = Secrets.sha256(handle);
        Instant authTime = now.minus(ageMicros, ChronoUnit.MICROS);
        db.sql("insert into login_session (id_hash, account_id, auth_time, amr, acr, created_at, expires_at) "
                        + "values (:id, :account, :auth_time, '{pwd}', :acr, :auth_time, :expires)")
                .bind("id", hash).bind("account", account).bind("auth_time", authTime).bind("acr", sessionAcr)
                .bind("expires", expired ? now.minusSeconds(1) : now.plus(Duration.ofHours(1)))
                .then().block();
        if (consent != null) {
            consentGiven(consent);
        }
        PendingAuthorization request = new PendingAuthorization(Secrets.newHandle(), CLIENT, REDIRECT,
                Set.of("openid", "profile"), "state", "n".repeat(22), null, requestAcr,
                prompt == null ? Set.of() : Set.of(prompt), maxAge, false, null, now, now.plus(Duration.ofMinutes(30)));

        Queue<String> log = new ConcurrentLinkedQueue<>();
        Object outcome;
        try {
            outcome = flow.start(request, hash).contextWrite(c -> c.put(SqlStatements.class, log)).block();
        } catch (OAuthException e) {
            outcome = e;
        }
        Throwable thrown = outcome instanceof OAuthException e ? e : null;
        assertThat(log).as("the statements run").hasSize(statements);

        switch (expected) {
            case "code" -> {
                assertThat(outcome).isInstanceOf(URI.class);
                assertThat(((URI) outcome).getQuery()).contains("code=").contains("state=state");
                assertThat(signedIn(hash)).isTrue();
                String code = ((URI) outcome).getQuery().replaceAll(".*code=([^&]+).*", "$1");
                AuthorizationCode opened = codes.open(java.net.URLDecoder.decode(code, java.nio.charset.StandardCharsets.UTF_8));
                assertThat(opened).as("a code this service sealed").isNotNull();
                assertThat(opened.accountId() + " " + opened.acr() + " " + opened.authTime() + " " + opened.sid() + " "
                        + opened.clientId() + " " + opened.expiresAt())
                        .isEqualTo(account + " " + sessionAcr + " " + authTime + " " + sid(hash) + " " + CLIENT + " "
                                + now.plus(properties.oidc().authorizationCodeTtl()));
            }
            case "/login", "/consent" -> {
                assertThat(outcome).isInstanceOf(URI.class);
                assertThat(((URI) outcome).getPath()).isEqualTo(expected);
                assertThat(signedIn(hash)).isFalse();
            }
            default -> {
                assertThat(thrown).isInstanceOf(OAuthException.class);
                assertThat(((OAuthException) thrown).error().code()).isEqualTo(expected);
                assertThat(signedIn(hash)).isFalse();
            }
        }
    }

    /** The person's consent to the test's client, for these scopes (space-separated), given the day before. */
    private void consentGiven(String scopes) {
        db.sql("insert into consent (account_id, client_id, scopes, granted_at) values (:account, :client, :scopes, :at)")
                .bind("account", account).bind("client", CLIENT).bind("scopes", scopes.split(" "))
                .bind("at", now.minus(Duration.ofDays(1)))
                .then().block();
    }

    /** The session's sid for the test's client, as PostgreSQL computes it for back-channel logout. */
    private String sid(byte[] hash) {
        return db.sql("select session_sid(:id, :client::text) as sid").bind("id", hash).bind("client", CLIENT)
                .map(row -> row.get("sid", String.class)).one().block();
    }

    private boolean signedIn(byte[] hash) {
        return Boolean.TRUE.equals(db.sql("select :client::text = any(client_ids) as signed from login_session where id_hash = :id")
                .bind("client", CLIENT).bind("id", hash).map(row -> row.get("signed", Boolean.class)).one().block());
    }

    /**
     * Columns: the new session's level, the consent given (scopes, empty for none), the pending request's level,
     * prompt, max_age and age (microseconds before the login; 0: created at the very instant of the login, negative:
     * after it), how long after the login the request resumes (seconds), then where the browser goes ({@code code},
     * {@code /login} or {@code /consent}) and in how many statements: a code in 1 is the statement's own, in 2 the
     * policy's after it.
     */
    @ParameterizedTest(name = "session {0}, consent [{1}], request {2} prompt={3} max_age={4} {5}µs old, resumed {6}s later -> {7} in {8}")
    @CsvSource({
            "eidas1, openid profile,       eidas1,        ,    , 60000000,  0, code, 1",
            "eidas2, openid profile,       eidas1,        ,    , 60000000,  0, code, 1",
            "eidas2, openid profile,       eidas2,        ,    , 60000000,  0, code, 1",
            "eidas1, openid profile email, eidas1,        ,    , 60000000,  0, code, 1",
            "eidas1, openid profile,       eidas2,        ,    , 60000000,  0, /login, 1",
            "eidas1,               ,       eidas1,        ,    , 60000000,  0, /consent, 1",
            "eidas1, openid,               eidas1,        ,    , 60000000,  0, /consent, 1",
            "eidas1, openid profile,       eidas1,   login,    , 60000000,  0, code, 1",
            "eidas1, openid profile,       eidas1,   login,    ,        0,  0, code, 2",
            "eidas1, openid profile,       eidas1,   login,    ,       -1,  0, /login, 1",
            "eidas1, openid profile,       eidas1, consent,    , 60000000,  0, /consent, 1",
            "eidas1, openid profile,       eidas1,        ,   0, 60000000,  0, code, 2",
            "eidas1, openid profile,       eidas1,        , 120, 60000000,  0, code, 1",
            "eidas1, openid profile,       eidas1,        ,  30, 60000000, 29, code, 1",
            "eidas1, openid profile,       eidas1,        ,  30, 60000000, 30, code, 2",
            "eidas1, openid profile,       eidas1,        ,  30, 60000000, 31, /login, 1"
    })
    void loginReturnWhenFactsThenCodeOnlyWherePolicyAnswersAtOnce(String sessionAcr, @Nullable String consent,
            String requestAcr, @Nullable String prompt, @Nullable Integer maxAge, long ageMicros, long resumedAfter,
            String expected, int statements) {
        if (consent != null) {
            consentGiven(consent);
        }
        Instant created = now.minus(ageMicros, ChronoUnit.MICROS);
        PendingAuthorization request = new PendingAuthorization(Secrets.newHandle(), CLIENT, REDIRECT,
                Set.of("openid", "profile"), "state", "n".repeat(22), "challenge-" + "c".repeat(33), requestAcr,
                prompt == null ? Set.of() : Set.of(prompt), maxAge, true, null, created, created.plus(Duration.ofMinutes(30)));
        store.save(request).block();
        fr.ameli.idp.session.LoginSessions.NewSession opening = sessions.draw(account, java.util.List.of("pwd"), sessionAcr, null);
        byte[] hash = opening.session().idHash();
        clock.set(now.plusSeconds(resumedAfter));

        Queue<String> log = new ConcurrentLinkedQueue<>();
        URI target = flow.resume(request.id(), opening).contextWrite(c -> c.put(SqlStatements.class, log)).block();

        assertThat(log).as("the statements run").hasSize(statements);

        assertThat(db.sql("select count(*) as n from login_session where id_hash = :id").bind("id", hash)
                .map(row -> row.get("n", Long.class)).one().block()).as("the session is stored").isEqualTo(1L);
        boolean pendingLeft = db.sql("select count(*) as n from pending_authorization where id = :id").bind("id", request.id())
                .map(row -> row.get("n", Long.class)).one().block() == 1L;
        if (expected.equals("code")) {
            assertThat(target.getQuery()).contains("code=").contains("state=state");
            assertThat(signedIn(hash)).isTrue();
            assertThat(pendingLeft).as("the pending request retired").isFalse();
            String code = target.getQuery().replaceAll(".*code=([^&]+).*", "$1");
            AuthorizationCode opened = codes.open(java.net.URLDecoder.decode(code, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(opened).as("a code this service sealed").isNotNull();
            assertThat(opened.accountId() + " " + opened.acr() + " " + opened.authTime() + " " + opened.amr() + " "
                    + Set.of(opened.scope().split(" ")).equals(request.scopes()) + " " + opened.codeChallenge() + " "
                    + opened.amrRequested() + " " + opened.sid() + " " + opened.nonce() + " " + opened.redirectsTo(REDIRECT))
                    .isEqualTo(account + " " + sessionAcr + " " + now + " [pwd] true " + request.codeChallenge()
                            + " true " + sid(hash) + " " + request.nonce() + " true");
        } else {
            assertThat(target.getPath()).isEqualTo(expected);
            assertThat(signedIn(hash)).isFalse();
            assertThat(pendingLeft).as("the pending request kept for the next page").isTrue();
        }
    }

    /** A login whose request expired meanwhile: the session is stored (signed in to no client), no code, the French page. */
    @org.junit.jupiter.api.Test
    void loginReturnWhenRequestExpiredThenSessionAloneAndExpiredPage() {
        consentGiven("openid profile");
        Instant created = now.minus(Duration.ofMinutes(31));
        PendingAuthorization request = new PendingAuthorization(Secrets.newHandle(), CLIENT, REDIRECT,
                Set.of("openid", "profile"), "state", "n".repeat(22), null, "eidas1", Set.of(), null, false, null,
                created, created.plus(Duration.ofMinutes(30)));
        store.save(request).block();
        fr.ameli.idp.session.LoginSessions.NewSession opening = sessions.draw(account, java.util.List.of("pwd"), "eidas1", null);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> flow.resume(request.id(), opening).block());

        assertThat(thrown).isInstanceOf(fr.ameli.idp.web.error.PageException.class);
        assertThat(((fr.ameli.idp.web.error.PageException) thrown).messageKey()).isEqualTo("erreur.demande_expiree");
        assertThat(db.sql("select cardinality(client_ids) as n from login_session where id_hash = :id")
                .bind("id", opening.session().idHash()).map(row -> row.get("n", Integer.class)).one().block())
                .as("the session stored, signed in to no client").isZero();
    }
}
