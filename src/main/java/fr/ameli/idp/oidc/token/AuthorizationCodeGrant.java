package fr.ameli.idp.oidc.token;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jose.jwk.JWK;
import fr.ameli.idp.client.Encryption;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.AuthorizationCode;
import fr.ameli.idp.oidc.shared.AuthorizationCodes;
import fr.ameli.idp.oidc.shared.ResponseEncryption;
import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.oidc.shared.Pkce;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.error.OAuthException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code grant_type=authorization_code} (RFC 6749 §4.1.3, OIDC Core 3.1.3). The code carries what it stands for
 * ({@link AuthorizationCodes}): it is opened and checked against client, redirect URI, expiry and PKCE verifier here,
 * without the database, and one statement stores the access token under the code's single-use key and reads the
 * person's NIR. A code that was already exchanged finds its key taken: it is a replay, refused, and the tokens its
 * first exchange issued are revoked (RFC 6749 §4.1.2, RFC 9700 §4.5). A code of the previous format (stored, before
 * V26), which a replica of the previous version may issue during a rolling update, is exchanged as that version did.
 */
@Component
class AuthorizationCodeGrant {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationCodeGrant.class);

    /**
     * The access token, stored only if the code's key is free and the account still exists (deleted since the code
     * was issued, it has no row: no token, {@code invalid_grant}).
     */
    private static final String EXCHANGE = """
            with issued as (
                insert into access_token (token_hash, code_hash, client_id, account_id, scope, expires_at, dpop_jkt)
                select :token, :code, :client, a.id, :scope, :token_expires, :jkt from account a where a.id = :account
                on conflict (code_hash) do nothing
                returning account_id
            )
            select a.nir from issued i join account a on a.id = i.account_id
            """;

    /**
     * A code of the previous format (a row of {@code authorization_code}, before V26), issued by a replica of the
     * previous version during a rolling update: consumed, checked and exchanged as that version did, in one statement.
     * To be removed with the table, in a later release.
     */
    private static final String PREVIOUS_FORMAT_EXCHANGE = """
            with consumed as (
                update authorization_code set consumed_at = :now
                where code_hash = :code and consumed_at is null
                returning code_hash, client_id, redirect_uri, account_id, scope, nonce, code_challenge, auth_time, acr,
                          amr, amr_requested, created_at, expires_at, sid
            ), valid as (
                select * from consumed
                where client_id = :client and redirect_uri = :redirect_uri and expires_at > :now and created_at > :not_before
                  and code_challenge is not distinct from :challenge
            ), issued as (
                insert into access_token (token_hash, code_hash, client_id, account_id, scope, expires_at, dpop_jkt)
                select :token, code_hash, client_id, account_id, scope, :token_expires, :jkt from valid
                returning account_id
            )
            select v.*, a.nir from valid v join issued i on i.account_id = v.account_id join account a on a.id = v.account_id
            """;

    /** The length of a code of the previous format (32 random bytes in base64url); a sealed code is longer. */
    private static final int PREVIOUS_FORMAT_LENGTH = 43;

    private final DatabaseClient db;
    private final TokenIssuer tokens;
    private final PairwiseSubject subjects;
    private final Clock clock;
    private final IdpProperties properties;
    private final ResponseEncryption encryption;
    private final AuthorizationCodes codes;

    AuthorizationCodeGrant(DatabaseClient db, TokenIssuer tokens, PairwiseSubject subjects, Clock clock,
            IdpProperties properties, ResponseEncryption encryption, AuthorizationCodes codes) {
        this.encryption = encryption;
        this.codes = codes;
        this.db = db;
        this.tokens = tokens;
        this.subjects = subjects;
        this.clock = clock;
        this.properties = properties;
    }

    /** An RP that wants its ID token encrypted has its key looked up first: without one, the code stays unused. */
    Mono<Map<String, Object>> exchange(RelyingParty client, Params params, @Nullable String dpopJkt) {
        Encryption encryption = client.idTokenEncryption();
        return encryption == null ? exchange(client, params, dpopJkt, null)
                : this.encryption.key(client, encryption).flatMap(key -> exchange(client, params, dpopJkt, key));
    }

    /** {@code dpopJkt}: the thumbprint of the DPoP key the access token is bound to (RFC 9449), or null (bearer). */
    private Mono<Map<String, Object>> exchange(RelyingParty client, Params params, @Nullable String dpopJkt,
            @Nullable JWK encryptionKey) {
        return Mono.defer(() -> {
            String code = params.required("code");
            String redirectUri = params.required("redirect_uri");
            String verifier = params.get("code_verifier");
            if (verifier != null && !Pkce.validVerifier(verifier)) {
                return Mono.error(OAuthException.invalidGrant("code_verifier is malformed"));
            }
            Instant now = clock.instant();
            AuthorizationCode sealed = codes.open(code);
            if (sealed == null && code.length() == PREVIOUS_FORMAT_LENGTH) {
                return previousFormat(client, code, redirectUri, verifier, now, dpopJkt, encryptionKey);
            }
            if (sealed == null || !sealed.clientId().equals(client.clientId())
                    || !sealed.redirectsTo(redirectUri) || !sealed.expiresAt().isAfter(now)
                    // FAPI profile: a code older than 60 s is refused even when the configured lifetime is longer.
                    || client.fapi() && !sealed.issuedAt().isAfter(now.minus(RelyingParty.FAPI_CODE_TTL))
                    || !Objects.equals(sealed.codeChallenge(), verifier == null ? null : Pkce.s256(verifier))) {
                return Mono.error(OAuthException.invalidGrant("invalid authorization code"));
            }
            String accessToken = Secrets.newHandle();
            DatabaseClient.GenericExecuteSpec spec = db.sql(EXCHANGE)
                    .bind("code", sealed.id())
                    .bind("client", client.clientId())
                    .bind("account", sealed.accountId())
                    .bind("scope", sealed.scope())
                    .bind("token", Secrets.sha256(accessToken))
                    .bind("token_expires", now.plus(properties.oidc().accessTokenTtl()));
            spec = dpopJkt == null ? spec.bindNull("jkt", String.class) : spec.bind("jkt", dpopJkt);
            return spec.map(row -> row.get("nir", String.class))
                    .one()
                    .map(nir -> response(client, sealed, nir, accessToken, now, encryptionKey, dpopJkt != null))
                    .switchIfEmpty(Mono.defer(() -> refuse(sealed.id())));
        });
    }

    private Mono<Map<String, Object>> previousFormat(RelyingParty client, String code, String redirectUri,
            @Nullable String verifier, Instant now, @Nullable String dpopJkt, @Nullable JWK encryptionKey) {
        String accessToken = Secrets.newHandle();
        byte[] codeHash = Secrets.sha256(code);
        DatabaseClient.GenericExecuteSpec spec = db.sql(PREVIOUS_FORMAT_EXCHANGE)
                .bind("now", now)
                .bind("not_before", client.fapi() ? now.minus(RelyingParty.FAPI_CODE_TTL) : Instant.EPOCH)
                .bind("code", codeHash)
                .bind("client", client.clientId())
                .bind("redirect_uri", redirectUri)
                .bind("token", Secrets.sha256(accessToken))
                .bind("token_expires", now.plus(properties.oidc().accessTokenTtl()));
        spec = verifier == null ? spec.bindNull("challenge", String.class) : spec.bind("challenge", Pkce.s256(verifier));
        spec = dpopJkt == null ? spec.bindNull("jkt", String.class) : spec.bind("jkt", dpopJkt);
        return spec.map(row -> Map.entry(new AuthorizationCode(codeHash, client.clientId(), AuthorizationCode.hashOf(redirectUri),
                                row.get("account_id", UUID.class), row.get("scope", String.class),
                                row.get("nonce", String.class), row.get("code_challenge", String.class),
                                row.get("auth_time", OffsetDateTime.class).toInstant(), row.get("acr", String.class),
                                List.of(row.get("amr", String[].class)),
                                Boolean.TRUE.equals(row.get("amr_requested", Boolean.class)),
                                row.get("created_at", OffsetDateTime.class).toInstant(),
                                row.get("expires_at", OffsetDateTime.class).toInstant(), row.get("sid", String.class)),
                        row.get("nir", String.class)))
                .one()
                .map(redeemed -> response(client, redeemed.getKey(), redeemed.getValue(), accessToken, now,
                        encryptionKey, dpopJkt != null))
                .switchIfEmpty(Mono.defer(() -> refuse(codeHash)));
    }

    private Map<String, Object> response(RelyingParty client, AuthorizationCode r, String nir, String accessToken, Instant now,
            @Nullable JWK encryptionKey, boolean dpop) {
        JWTClaimsSet.Builder idToken = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .subject(subjects.of(client.sector(), nir))
                .audience(client.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(properties.oidc().idTokenTtl())))
                .claim("auth_time", r.authTime().getEpochSecond())
                .claim("nonce", r.nonce())
                .claim("acr", r.acr());
        if (r.sid() != null) { // the session at this provider, as this RP knows it (Back-Channel Logout 1.0 §2.1)
            idToken.claim("sid", r.sid());
        }
        if (r.amrRequested() || Acr.EIDAS2.equals(r.acr())) { // eidas2: the RP is told how it was reached
            idToken.claim("amr", r.amr());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken);
        body.put("token_type", dpop ? "DPoP" : "Bearer");
        body.put("expires_in", properties.oidc().accessTokenTtl().toSeconds());
        String signed = tokens.sign(idToken.build(), client.idTokenAlg());
        Encryption encryption = client.idTokenEncryption();
        body.put("id_token", encryption == null || encryptionKey == null ? signed
                : ResponseEncryption.encrypt(signed, encryption, encryptionKey));
        body.put("scope", r.scope());
        return body;
    }

    /**
     * Nothing was issued: the code's key was taken (a replay: what its first exchange got is revoked), or its account
     * is gone (nothing to revoke).
     */
    private Mono<Map<String, Object>> refuse(byte[] codeId) {
        return db.sql("update access_token set revoked_at = :now where code_hash = :code and revoked_at is null")
                .bind("code", codeId)
                .bind("now", clock.instant())
                .fetch().rowsUpdated()
                .doOnNext(revoked -> {
                    if (revoked > 0) {
                        log.warn("Authorization code replayed: {} access token(s) revoked", revoked);
                    }
                })
                .then(Mono.error(OAuthException.invalidGrant("invalid authorization code")));
    }

}
