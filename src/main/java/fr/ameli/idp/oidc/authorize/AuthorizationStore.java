package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Pending authorizations and consents in PostgreSQL, and what answering a request writes (the session signed in to
 * the client); the codes themselves are sealed, not stored ({@link fr.ameli.idp.oidc.shared.AuthorizationCodes}).
 */
@Component
class AuthorizationStore {

    /** Consent given by a person to a client: which scopes, and when. */
    record Consent(Set<String> scopes, Instant grantedAt) {
    }

    private static final String PENDING_COLUMNS = "id, client_id, redirect_uri, scope, state, nonce, code_challenge, acr, "
            + "prompt, max_age, amr_requested, ui_locales, created_at, expires_at";

    private final DatabaseClient db;

    AuthorizationStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Void> save(PendingAuthorization p) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("insert into pending_authorization (" + PENDING_COLUMNS + ") values "
                        + "(:id, :client_id, :redirect_uri, :scope, :state, :nonce, :code_challenge, :acr, :prompt, "
                        + ":max_age, :amr_requested, :ui_locales, :created_at, :expires_at) on conflict (id) do nothing")
                .bind("id", p.id())
                .bind("client_id", p.clientId())
                .bind("redirect_uri", p.redirectUri())
                .bind("scope", String.join(" ", p.scopes()))
                .bind("state", p.state())
                .bind("nonce", p.nonce())
                .bind("acr", p.acr())
                .bind("prompt", String.join(" ", p.prompt()))
                .bind("amr_requested", p.amrRequested())
                .bind("created_at", p.createdAt())
                .bind("expires_at", p.expiresAt());
        spec = p.codeChallenge() == null ? spec.bindNull("code_challenge", String.class) : spec.bind("code_challenge", p.codeChallenge());
        spec = p.maxAge() == null ? spec.bindNull("max_age", Integer.class) : spec.bind("max_age", p.maxAge());
        spec = p.uiLocales() == null ? spec.bindNull("ui_locales", String.class) : spec.bind("ui_locales", p.uiLocales());
        return spec.then();
    }

    Mono<PendingAuthorization> find(String id, Instant now) {
        return db.sql("select " + PENDING_COLUMNS + " from pending_authorization where id = :id and expires_at > :now")
                .bind("id", id)
                .bind("now", now)
                .map(AuthorizationStore::pending)
                .one();
    }

    Mono<Consent> consent(UUID accountId, String clientId) {
        return db.sql("select scopes, granted_at from consent where account_id = :account and client_id = :client")
                .bind("account", accountId)
                .bind("client", clientId)
                .map(AuthorizationStore::consent)
                .one();
    }

    /** A pending request with the consent a person gave to its client (null when none). */
    record PendingAndConsent(PendingAuthorization pending, @Nullable Consent consent) {
    }

    /**
     * A live pending request and the consent of the person just logged in to its client, in one statement: the
     * request resumes as soon as someone logs in, and needs both.
     */
    Mono<PendingAndConsent> findWithConsent(String id, UUID accountId, Instant now) {
        return db.sql("select p.*, c.scopes, c.granted_at from (select " + PENDING_COLUMNS + " from pending_authorization "
                        + "where id = :id and expires_at > :now) p "
                        + "left join consent c on c.account_id = :account and c.client_id = p.client_id")
                .bind("id", id)
                .bind("now", now)
                .bind("account", accountId)
                .map(row -> new PendingAndConsent(pending(row), row.get("granted_at") == null ? null : consent(row)))
                .one();
    }

    /**
     * What {@link #openAndAnswer} read, and {@code sid}, the session as the request's client knows it, when the
     * statement answered the request (null when it did not): the code is the caller's to seal.
     */
    record PendingConsentAnswer(PendingAndConsent found, @Nullable String sid) {
    }

    /**
     * Stores the session of a login that just succeeded ({@link LoginSessions#openingSignedInTo}) and reads the pending
     * request with its person's consent, in one statement; where they answer the request at once
     * ({@code answerable}), the same statement answers it as {@link #answer} does (the request retired, the session
     * signed in to the client): a login's return to the client takes one round trip instead of two. The session is
     * stored whether the request is still live or not.
     */
    Mono<PendingConsentAnswer> openAndAnswer(String id, LoginSessions.NewSession opening,
            InteractionPolicy.AnswerableAfterLogin answerable, Instant now) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("with p as (select pending.*, c.scopes, c.granted_at from "
                        + "(select " + PENDING_COLUMNS + " from pending_authorization where id = :id and expires_at > :now) "
                        + "pending left join consent c on c.account_id = :opening_account and c.client_id = pending.client_id), "
                        + "answered as (select p.client_id, session_sid(:opening_id, p.client_id) as sid "
                        + "from p where p.acr = any(:request_acr) "
                        + "and not ('consent' = any(string_to_array(p.prompt, ' '))) "
                        + "and (not ('login' = any(string_to_array(p.prompt, ' '))) or :opening_auth_time > p.created_at) "
                        + "and (p.max_age is null or :opening_auth_time > :now - make_interval(secs => p.max_age)) "
                        + "and p.scopes @> string_to_array(p.scope, ' ')), "
                        + "done as (delete from pending_authorization where id = :id and exists (select from answered)), "
                        + opening.clauses("coalesce((select array_agg(client_id) from answered), '{}')") + " "
                        + "select p.*, (select sid from answered) as answered_sid from p")
                .bind("id", id)
                .bind("now", now)
                .bind("request_acr", answerable.requestAcr().toArray(String[]::new));
        return LoginSessions.storing(db, spec, opening, bound -> bound
                .map(row -> new PendingConsentAnswer(
                        new PendingAndConsent(pending(row), row.get("granted_at") == null ? null : consent(row)),
                        row.get("answered_sid", String.class)))
                .one());
    }

    /** A browser's live session with the consent its person gave to a client (null when none). */
    record SessionAndConsent(LoginSession session, @Nullable Consent consent) {
    }

    /**
     * What {@link #sessionAndConsentAnswering} read, and {@code sid}, the session as the request's client knows it, when
     * they answer the request (null when they do not).
     */
    record SessionConsentAnswer(SessionAndConsent found, @Nullable String sid) {
    }

    /**
     * The live session behind a cookie and its person's consent to this client, in one statement, which also records,
     * where they satisfy {@code answerable}, that the session signed in to the client (as {@link #answer} does for
     * a request answered at once): an authorization request with a session cookie (SSO) takes one round trip, and
     * writes nothing once the session knows the client. Where they do not, nothing is written and the caller decides
     * on what was read.
     */
    Mono<SessionConsentAnswer> sessionAndConsentAnswering(PendingAuthorization p, byte[] sessionHash,
            InteractionPolicy.Answerable answerable, Instant now) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("with s as (select live.*, c.scopes, c.granted_at from ("
                        + LoginSessions.LIVE + ") live left join consent c on c.account_id = live.account_id "
                        + "and c.client_id = :client), "
                        + "answered as (select session_sid(s.id_hash, :client::text) as sid from s "
                        + "where s.acr = any(:session_acr) and (:authenticated_after::timestamptz is null "
                        + "or s.auth_time > :authenticated_after) and s.scopes @> :scopes), "
                        + "signed_in as (update login_session set client_ids = array_append(client_ids, :client::text) "
                        + "where id_hash = :id and not (:client::text = any(client_ids)) and exists (select from answered)) "
                        + "select s.*, (select sid from answered) as answered_sid from s")
                .bind("id", sessionHash)
                .bind("now", now)
                .bind("client", p.clientId())
                .bind("session_acr", answerable.sessionAcr().toArray(String[]::new))
                .bind("scopes", p.scopes().toArray(String[]::new));
        spec = answerable.authenticatedAfter() == null ? spec.bindNull("authenticated_after", Instant.class)
                : spec.bind("authenticated_after", answerable.authenticatedAfter());
        return spec.map(row -> new SessionConsentAnswer(
                        new SessionAndConsent(LoginSessions.session(row), row.get("granted_at") == null ? null : consent(row)),
                        row.get("answered_sid", String.class)))
                .one();
    }

    Mono<Void> grant(UUID accountId, String clientId, Set<String> scopes, Instant now) {
        return db.sql("insert into consent (account_id, client_id, scopes, granted_at) values (:account, :client, :scopes, :now) "
                        + "on conflict (account_id, client_id) do update set scopes = excluded.scopes, granted_at = excluded.granted_at")
                .bind("account", accountId)
                .bind("client", clientId)
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("now", now)
                .then();
    }

    /**
     * Answers a request: retires the pending request and records that the session signed in to this client (its
     * back-channel logout, when the session ends), in one statement, and emits the session's {@code sid} for the
     * client, which the code carries. The session's row is written only the first time it signs in to the client.
     * {@code saved}: whether the request was stored (it waited for a login or a consent); one answered at once (SSO)
     * never was, and its statement does not look for it.
     */
    Mono<String> answer(PendingAuthorization p, boolean saved, LoginSession session) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("with " + (saved ? "done as (delete from pending_authorization where id = :pending), " : "")
                        + "signed_in as (update login_session set client_ids = array_append(client_ids, :client::text) "
                        + "where id_hash = :session and not (:client::text = any(client_ids))) "
                        + "select session_sid(:session, :client::text) as sid")
                .bind("session", session.idHash())
                .bind("client", p.clientId());
        if (saved) {
            spec = spec.bind("pending", p.id());
        }
        return spec.map(row -> row.get("sid", String.class)).one();
    }

    private static Consent consent(Readable row) {
        return new Consent(new HashSet<>(Arrays.asList(row.get("scopes", String[].class))),
                row.get("granted_at", OffsetDateTime.class).toInstant());
    }

    private static PendingAuthorization pending(Readable row) {
        String prompt = row.get("prompt", String.class);
        return new PendingAuthorization(
                row.get("id", String.class),
                row.get("client_id", String.class),
                row.get("redirect_uri", String.class),
                new java.util.LinkedHashSet<>(Arrays.asList(row.get("scope", String.class).split(" "))),
                row.get("state", String.class),
                row.get("nonce", String.class),
                row.get("code_challenge", String.class),
                row.get("acr", String.class),
                prompt == null || prompt.isBlank() ? Set.of() : Set.of(prompt.split(" ")),
                row.get("max_age", Integer.class),
                Boolean.TRUE.equals(row.get("amr_requested", Boolean.class)),
                row.get("ui_locales", String.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("expires_at", OffsetDateTime.class).toInstant());
    }

}
