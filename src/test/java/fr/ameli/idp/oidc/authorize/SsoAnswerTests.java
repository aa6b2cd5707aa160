package fr.ameli.idp.oidc.authorize;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.error.OAuthException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * An authorization request with a session cookie, against the real schema: the statement that reads the session and
 * the consent issues the code only where the interaction policy answers at once, and otherwise writes nothing (no
 * code, the session not marked as signed in to the client), so that the person is sent to log in or consent exactly
 * as before; at the edge of max_age, where the statement's test is a second short, the code is issued after it.
 * The client is the test's own (consents and codes are per client), the clock frozen.
 */
@IdpIntegrationTest
class SsoAnswerTests {

    static final String CLIENT = "sso-answer-test-rp";
    static final String REDIRECT = "https://rp.example/callback";

    @Autowired
    AuthorizationFlow flow;

    @Autowired
    DatabaseClient db;

    @Autowired
    MutableClock clock;

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
     * browser goes: {@code code}, {@code /login}, {@code /consent}, or the OAuth error of a {@code prompt=none}.
     */
    @ParameterizedTest(name = "session {0} {1}µs old (expired {2}), consent [{3}], request {4} prompt={5} max_age={6} -> {7}")
    @CsvSource({
            "eidas1, 60000000, false, openid profile, eidas1,        ,    , code",
            "eidas2, 60000000, false, openid profile, eidas1,        ,    , code",
            "eidas2, 60000000, false, openid profile, eidas2,        ,    , code",
            "eidas1, 60000000, false, openid profile, eidas1,    none,    , code",
            "eidas1, 60000000, false, openid profile email, eidas1,  ,    , code",
            "eidas1, 60000000, false, openid profile, eidas2,        ,    , /login",
            "eidas1, 60000000, false, openid profile, eidas2,    none,    , login_required",
            "eidas1, 60000000, true,  openid profile, eidas1,        ,    , /login",
            "eidas1, 60000000, true,  openid profile, eidas1,    none,    , login_required",
            "eidas1, 60000000, false,               , eidas1,        ,    , /consent",
            "eidas1, 60000000, false, openid,         eidas1,        ,    , /consent",
            "eidas1, 60000000, false, openid,         eidas1,    none,    , consent_required",
            "eidas1, 60000000, false, openid profile, eidas1,   login,    , /login",
            "eidas1, 60000000, false, openid profile, eidas1, consent,    , /consent",
            "eidas1, 60000000, false, openid profile, eidas1,        , 120, code",
            "eidas1, 60000000, false, openid profile, eidas1,        ,  30, /login",
            "eidas1, 30999999, false, openid profile, eidas1,        ,  30, code",
            "eidas1, 30000000, false, openid profile, eidas1,        ,  30, code",
            "eidas1, 29999999, false, openid profile, eidas1,        ,  30, code",
            "eidas1, 31000000, false, openid profile, eidas1,    none,  30, login_required"
    })
    void ssoRequestWhenFactsThenCodeOnlyWherePolicyAnswersAtOnce(String sessionAcr, long ageMicros, boolean expired,
            @Nullable String consent, String requestAcr, @Nullable String prompt, @Nullable Integer maxAge, String expected) {
        String handle = Secrets.newHandle();
        byte[] hash = Secrets.sha256(handle);
        Instant authTime = now.minus(ageMicros, ChronoUnit.MICROS);
        db.sql("insert into login_session (id_hash, account_id, auth_time, amr, acr, created_at, expires_at) "
                        + "values (:id, :account, :auth_time, '{pwd}', :acr, :auth_time, :expires)")
                .bind("id", hash).bind("account", account).bind("auth_time", authTime).bind("acr", sessionAcr)
                .bind("expires", expired ? now.minusSeconds(1) : now.plus(Duration.ofHours(1)))
                .then().block();
        if (consent != null) {
            db.sql("insert into consent (account_id, client_id, scopes, granted_at) values (:account, :client, :scopes, :at)")
                    .bind("account", account).bind("client", CLIENT).bind("scopes", consent.split(" "))
                    .bind("at", now.minus(Duration.ofDays(1)))
                    .then().block();
        }
        PendingAuthorization request = new PendingAuthorization(Secrets.newHandle(), CLIENT, REDIRECT,
                Set.of("openid", "profile"), "state", "n".repeat(22), null, requestAcr,
                prompt == null ? Set.of() : Set.of(prompt), maxAge, false, null, now, now.plus(Duration.ofMinutes(30)));
        long codesBefore = codes();

        Object outcome;
        try {
            outcome = flow.start(request, hash).block();
        } catch (OAuthException e) {
            outcome = e;
        }
        Throwable thrown = outcome instanceof OAuthException e ? e : null;

        switch (expected) {
            case "code" -> {
                assertThat(outcome).isInstanceOf(URI.class);
                assertThat(((URI) outcome).getQuery()).contains("code=").contains("state=state");
                assertThat(codes()).isEqualTo(codesBefore + 1);
                assertThat(signedIn(hash)).isTrue();
                String code = ((URI) outcome).getQuery().replaceAll(".*code=([^&]+).*", "$1");
                assertThat(db.sql("select account_id, acr, auth_time, sid from authorization_code where code_hash = :hash")
                        .bind("hash", Secrets.sha256(code))
                        .map(row -> row.get("account_id", UUID.class) + " " + row.get("acr", String.class) + " "
                                + row.get("auth_time", java.time.OffsetDateTime.class).toInstant() + " "
                                + (row.get("sid", String.class) != null))
                        .one().block())
                        .isEqualTo(account + " " + sessionAcr + " " + authTime + " true");
            }
            case "/login", "/consent" -> {
                assertThat(outcome).isInstanceOf(URI.class);
                assertThat(((URI) outcome).getPath()).isEqualTo(expected);
                assertThat(codes()).isEqualTo(codesBefore);
                assertThat(signedIn(hash)).isFalse();
            }
            default -> {
                assertThat(thrown).isInstanceOf(OAuthException.class);
                assertThat(((OAuthException) thrown).error().code()).isEqualTo(expected);
                assertThat(codes()).isEqualTo(codesBefore);
                assertThat(signedIn(hash)).isFalse();
            }
        }
    }

    private long codes() {
        return db.sql("select count(*) as n from authorization_code where client_id = :client").bind("client", CLIENT)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private boolean signedIn(byte[] hash) {
        return Boolean.TRUE.equals(db.sql("select :client::text = any(client_ids) as signed from login_session where id_hash = :id")
                .bind("client", CLIENT).bind("id", hash).map(row -> row.get("signed", Boolean.class)).one().block());
    }
}
