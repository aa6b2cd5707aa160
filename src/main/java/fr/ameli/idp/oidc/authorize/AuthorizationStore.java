package fr.ameli.idp.oidc.authorize;

import fr.ameli.idp.session.LoginSession;
import fr.ameli.idp.session.LoginSessions;
import fr.ameli.idp.platform.Secrets;
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

/** Pending authorizations, consents and authorization codes in PostgreSQL. */
@Component
class AuthorizationStore {

    /** Consent given by a person to a client: which scopes, and when. */
    record Consent(Set<String> scopes, Instant grantedAt) {
    }

    private static final String PENDING_COLUMNS = "id, client_id, redirect_uri, scope, state, nonce, code_challenge, acr, "
            + "prompt, max_age, amr_requested, ui_locales, created_at, expires_at";

    /** The columns of a code, in the order of every statement that issues one. */
    private static final String CODE_COLUMNS = "code_hash, client_id, redirect_uri, account_id, scope, nonce, "
            + "code_challenge, auth_time, acr, amr, amr_requested, created_at, expires_at, sid";

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

    /** What {@link #openWithCode} read, and the code it issued (null when it issued none). */
    record PendingConsentAndCode(PendingAndConsent found, @Nullable String code) {
    }

    /**
     * Stores the session of a login that just succeeded ({@link LoginSessions#openingSignedInTo}) and reads the pending
     * request with its person's consent, in one statement; where they answer the request at once
     * ({@code answerable}), the same statement issues the code as {@link #issueCode} does (the request retired, the
     * session signed in to the client): a login's return to the client takes one round trip instead of two. The
     * session is stored whether the request is still live or not.
     */
    Mono<PendingConsentAndCode> openWithCode(String id, LoginSessions.NewSession opening,
            InteractionPolicy.AnswerableAfterLogin answerable, Instant now, Instant expires) {
        String code = Secrets.newHandle();
        DatabaseClient.GenericExecuteSpec spec = db.sql("with p as (select pending.*, c.scopes, c.granted_at from "
                        + "(select " + PENDING_COLUMNS + " from pending_authorization where id = :id and expires_at > :now) "
                        + "pending left join consent c on c.account_id = :opening_account and c.client_id = pending.client_id), "
                        + "issued as (insert into authorization_code (" + CODE_COLUMNS + ") select :code, p.client_id, "
                        + "p.redirect_uri, :opening_account, p.scope, p.nonce, p.code_challenge, :opening_auth_time, "
                        + ":opening_acr, :opening_amr, p.amr_requested, :now, :expires, session_sid(:opening_id, p.client_id) "
                        + "from p where p.acr = any(:request_acr) "
                        + "and not ('consent' = any(string_to_array(p.prompt, ' '))) "
                        + "and (not ('login' = any(string_to_array(p.prompt, ' '))) or :opening_auth_time > p.created_at) "
                        + "and (p.max_age is null or :opening_auth_time > :now - make_interval(secs => p.max_age)) "
                        + "and p.scopes @> string_to_array(p.scope, ' ') returning client_id), "
                        + "done as (delete from pending_authorization where id = :id and exists (select from issued)), "
                        + "opening as (" + LoginSessions.openingSignedInTo(
                                "coalesce((select array_agg(client_id) from issued), '{}')") + ") "
                        + "select p.*, exists (select from issued) as code_issued from p")
                .bind("id", id)
                .bind("now", now)
                .bind("code", Secrets.sha256(code))
                .bind("expires", expires)
                .bind("request_acr", answerable.requestAcr().toArray(String[]::new));
        return LoginSessions.bindOpening(spec, opening)
                .map(row -> new PendingConsentAndCode(
                        new PendingAndConsent(pending(row), row.get("granted_at") == null ? null : consent(row)),
                        Boolean.TRUE.equals(row.get("code_issued", Boolean.class)) ? code : null))
                .one();
    }

    /** A browser's live session with the consent its person gave to a client (null when none). */
    record SessionAndConsent(LoginSession session, @Nullable Consent consent) {
    }

    /** What {@link #sessionAndConsentWithCode} read, and the code it issued (null when it issued none). */
    record SessionConsentAndCode(SessionAndConsent found, @Nullable String code) {
    }

    /**
     * The live session behind a cookie and its person's consent to this client, in one statement, and, where they
     * satisfy {@code answerable}, the code issued in the same statement as {@link #issueCode} issues it for a request
     * answered at once: an authorization request with a session cookie (SSO) takes one round trip. Where they do not,
     * nothing is written and the caller decides on what was read.
     */
    Mono<SessionConsentAndCode> sessionAndConsentWithCode(PendingAuthorization p, byte[] sessionHash,
            InteractionPolicy.Answerable answerable, Instant now, Instant expires) {
        String code = Secrets.newHandle();
        DatabaseClient.GenericExecuteSpec spec = db.sql("with s as (select live.*, c.scopes, c.granted_at from ("
                        + LoginSessions.LIVE + ") live left join consent c on c.account_id = live.account_id "
                        + "and c.client_id = :client), "
                        + "issued as (insert into authorization_code (" + CODE_COLUMNS + ") select :code, :client, "
                        + ":redirect_uri, s.account_id, :scope, :nonce, :challenge, s.auth_time, s.acr, s.amr, "
                        + ":amr_requested, :now, :expires, session_sid(s.id_hash, :client::text) from s "
                        + "where s.acr = any(:session_acr) and (:authenticated_after::timestamptz is null "
                        + "or s.auth_time > :authenticated_after) and s.scopes @> :scopes returning 1), "
                        + "signed_in as (update login_session set client_ids = array_append(client_ids, :client::text) "
                        + "where id_hash = :id and not (:client::text = any(client_ids)) and exists (select from issued)) "
                        + "select s.*, exists (select from issued) as code_issued from s")
                .bind("id", sessionHash)
                .bind("now", now)
                .bind("client", p.clientId())
                .bind("code", Secrets.sha256(code))
                .bind("redirect_uri", p.redirectUri())
                .bind("scope", String.join(" ", p.scopes()))
                .bind("nonce", p.nonce())
                .bind("amr_requested", p.amrRequested())
                .bind("expires", expires)
                .bind("session_acr", answerable.sessionAcr().toArray(String[]::new))
                .bind("scopes", p.scopes().toArray(String[]::new));
        spec = p.codeChallenge() == null ? spec.bindNull("challenge", String.class) : spec.bind("challenge", p.codeChallenge());
        spec = answerable.authenticatedAfter() == null ? spec.bindNull("authenticated_after", Instant.class)
                : spec.bind("authenticated_after", answerable.authenticatedAfter());
        return spec.map(row -> new SessionConsentAndCode(
                        new SessionAndConsent(LoginSessions.session(row), row.get("granted_at") == null ? null : consent(row)),
                        Boolean.TRUE.equals(row.get("code_issued", Boolean.class)) ? code : null))
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
     * Stores the code's hash with everything the token endpoint needs (the session's {@code sid} for this client
     * included), retires the pending request, and records that the session signed in to this client (its
     * back-channel logout, when the session ends): one statement. The session's row is written only the first time
     * it signs in to the client. {@code saved}: whether the request was stored (it waited for a login or a consent);
     * one answered at once (SSO) never was, and its statement does not look for it.
     */
    Mono<String> issueCode(PendingAuthorization p, boolean saved, LoginSession session, Instant now, Instant expires) {
        String code = Secrets.newHandle();
        DatabaseClient.GenericExecuteSpec spec = db.sql("with " + (saved ? "done as (delete from pending_authorization where id = :pending), " : "")
                        + "signed_in as (update login_session set client_ids = array_append(client_ids, :client::text) "
                        + "where id_hash = :session and not (:client::text = any(client_ids))) "
                        + "insert into authorization_code (" + CODE_COLUMNS + ") values (:code, "
                        + ":client, :redirect_uri, :account, :scope, :nonce, :challenge, :auth_time, :acr, :amr, "
                        + ":amr_requested, :now, :expires, session_sid(:session, :client::text))")
                .bind("session", session.idHash())
                .bind("code", Secrets.sha256(code))
                .bind("client", p.clientId())
                .bind("redirect_uri", p.redirectUri())
                .bind("account", session.accountId())
                .bind("scope", String.join(" ", p.scopes()))
                .bind("nonce", p.nonce())
                .bind("auth_time", session.authTime())
                .bind("acr", session.acr())
                .bind("amr", session.amr().toArray(String[]::new))
                .bind("amr_requested", p.amrRequested())
                .bind("now", now)
                .bind("expires", expires);
        spec = p.codeChallenge() == null ? spec.bindNull("challenge", String.class) : spec.bind("challenge", p.codeChallenge());
        if (saved) {
            spec = spec.bind("pending", p.id());
        }
        return spec.then().thenReturn(code);
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
