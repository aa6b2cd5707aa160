package fr.ameli.idp.oidc.userinfo;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.client.Encryption;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.oidc.shared.ResponseEncryption;
import fr.ameli.idp.oidc.shared.ScopeClaims;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.PivotIdentity;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.error.OAuthException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * What userinfo answers for an access token, whoever serves the request: the routed handler ({@link UserinfoRoutes})
 * or the bearer GET answered in front of the pipeline ({@link DirectUserinfo}). One statement reads the token with the
 * person's registry entry; the claims are those the token's scopes grant, as JSON or as a JWT signed with the client's
 * registered {@code userinfo_signed_response_alg} (with iss, aud, iat, exp, as FranceConnect expects), encrypted when
 * the client registered a userinfo encryption.
 */
final class UserinfoResponses {

    static final MediaType APPLICATION_JWT = MediaType.parseMediaType("application/jwt");

    private static final String QUERY = "select t.client_id, t.scope, t.expires_at, t.revoked_at, t.dpop_jkt, "
            + "a.email as account_email, "
            + Registry.PIVOT_COLUMNS + " from access_token t join account a on a.id = t.account_id "
            + "join insured_person p on p.nir = a.nir where t.token_hash = :hash";

    /** The access token's row: whom it is for, what it grants, until when, and the key it is bound to (DPoP). */
    record Grant(String clientId, String scope, Instant expiresAt, @Nullable OffsetDateTime revokedAt,
            @Nullable String email, PivotIdentity identity, @Nullable String dpopJkt) {
    }

    /** A successful answer: its media type and its body (a JSON object or a compact JWT). */
    record Answer(MediaType contentType, String body) {
    }

    /**
     * The access token as presented in an {@code Authorization} header: its value, and whether with the DPoP scheme
     * (RFC 9449 §7.1) or Bearer. Both paths read the header here, so that they take the same requests for the same
     * tokens.
     */
    record Presented(String token, boolean dpop) {

        /** The token of a header of either scheme (case-insensitive, RFC 9110 §11.1), or null for anything else. */
        static @Nullable Presented in(@Nullable String authorization) {
            if (authorization == null) {
                return null;
            }
            boolean dpop = authorization.regionMatches(true, 0, "DPoP ", 0, 5);
            if (!dpop && !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return null;
            }
            return new Presented(authorization.substring(dpop ? 5 : 7).trim(), dpop);
        }

        @Override
        public String toString() {
            return "Presented[token not shown, dpop=" + dpop + "]";
        }
    }

    /**
     * A token's lookup as the routed handler goes through it: its grant (empty when the token is unknown, expired or
     * revoked). When {@link DirectUserinfo} hands a GET over, it is what that lookup met, resolved (through the Reactor
     * context, {@link #lookup(String)}), a failure at a later step included: the routed handler renders it without a
     * second statement, key fetch or signature.
     */
    record Lookup(String token, Mono<Grant> grant) {

        @Override
        public String toString() {
            return "Lookup[token not shown]";
        }
    }

    /** The refusal of a token whose client is no longer registered. */
    static OAuthException clientGone() {
        return OAuthException.invalidToken("client no longer registered");
    }

    private final DatabaseClient db;
    private final RelyingParties clients;
    private final PairwiseSubject subjects;
    private final TokenIssuer tokens;
    private final Clock clock;
    private final IdpProperties properties;
    private final ResponseEncryption encryption;

    UserinfoResponses(DatabaseClient db, RelyingParties clients, PairwiseSubject subjects, TokenIssuer tokens,
            Clock clock, IdpProperties properties, ResponseEncryption encryption) {
        this.db = db;
        this.clients = clients;
        this.subjects = subjects;
        this.tokens = tokens;
        this.clock = clock;
        this.properties = properties;
        this.encryption = encryption;
    }

    /** The lookup of {@code token} this request began in front of the pipeline, if any, else a new one. */
    Mono<Lookup> lookup(String token) {
        return Mono.deferContextual(context -> Mono.just(context.<Lookup>getOrEmpty(Lookup.class)
                .filter(begun -> begun.token().equals(token))
                .orElseGet(() -> new Lookup(token, activeGrant(token)))));
    }

    /** The answer for {@code grant} to its client, or empty if the client is no longer registered. */
    Mono<Answer> answerFor(Grant grant) {
        return clients.find(grant.clientId()).flatMap(client -> render(grant, client));
    }

    /** The token's grant if it is neither revoked nor expired (bound or not), else empty. */
    Mono<Grant> activeGrant(String token) {
        return db.sql(QUERY).bind("hash", Secrets.sha256(token))
                .map(row -> new Grant(row.get("client_id", String.class), row.get("scope", String.class),
                        row.get("expires_at", OffsetDateTime.class).toInstant(),
                        row.get("revoked_at", OffsetDateTime.class), row.get("account_email", String.class),
                        Registry.pivotIdentity(row), row.get("dpop_jkt", String.class)))
                .one()
                .filter(g -> g.revokedAt() == null && g.expiresAt().isAfter(clock.instant()));
    }

    /** The answer for {@code grant} to {@code client}. */
    private Mono<Answer> render(Grant grant, RelyingParty client) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", subjects.of(client.sector(), grant.identity().nir().value()));
        claims.putAll(ScopeClaims.values(ScopeClaims.claims(Arrays.asList(grant.scope().split(" "))), grant.identity(),
                grant.email()));
        if (client.userinfoAlg() == null) {
            return Mono.just(new Answer(MediaType.APPLICATION_JSON, JSONObjectUtils.toJSONString(claims)));
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder jwt = new JWTClaimsSet.Builder()
                .issuer(properties.issuer())
                .audience(client.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(properties.oidc().idTokenTtl())));
        claims.forEach(jwt::claim);
        String signed = tokens.sign(jwt.build(), client.userinfoAlg());
        Encryption encrypted = client.userinfoEncryption();
        if (encrypted == null) {
            return Mono.just(new Answer(APPLICATION_JWT, signed));
        }
        return encryption.key(client, encrypted)
                .map(key -> new Answer(APPLICATION_JWT, ResponseEncryption.encrypt(signed, encrypted, key)));
    }
}
