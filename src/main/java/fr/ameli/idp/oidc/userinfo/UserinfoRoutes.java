package fr.ameli.idp.oidc.userinfo;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.Encryption;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.oidc.shared.ResponseEncryption;
import fr.ameli.idp.oidc.shared.PairwiseSubject;
import fr.ameli.idp.oidc.shared.ScopeClaims;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.token.TokenIssuer;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Userinfo (OIDC Core §5.3), GET and POST. One query reads the token with the person's registry entry;
 * the claims are those the token's scopes grant. Answered as JSON, or as a JWT signed with the client's
 * registered {@code userinfo_signed_response_alg} (with iss, aud, iat, exp, as FranceConnect expects).
 */
@Configuration(proxyBeanMethods = false)
public class UserinfoRoutes {

    static final MediaType APPLICATION_JWT = MediaType.parseMediaType("application/jwt");

    private static final String QUERY = "select t.client_id, t.scope, t.expires_at, t.revoked_at, t.dpop_jkt, "
            + "a.email as account_email, "
            + Registry.PERSON_COLUMNS + " from access_token t join account a on a.id = t.account_id "
            + "join insured_person p on p.nir = a.nir where t.token_hash = :hash";

    @Bean
    RouterFunction<ServerResponse> userinfoRouter(DatabaseClient db, RelyingParties clients, PairwiseSubject subjects,
            TokenIssuer tokens, Clock clock, IdpProperties properties, ErrorRenderer errors, ResponseEncryption encryption,
            DpopProofs dpop) {
        Handler handler = new Handler(db, clients, subjects, tokens, clock, properties, encryption, dpop);
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .GET("/userinfo", request -> handler.userinfo(request)
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::resourceResponse)
                        .onErrorResume(errors::json))
                .POST("/userinfo", request -> handler.userinfo(request)
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::resourceResponse)
                        .onErrorResume(errors::json))
                .build());
    }

    private record Grant(String clientId, String scope, Instant expiresAt, @Nullable OffsetDateTime revokedAt,
            @Nullable String email, InsuredPerson person, @Nullable String dpopJkt) {
    }

    /** The access token as presented: its value, and whether with the DPoP scheme (RFC 9449 §7.1) or Bearer. */
    private record Presented(String token, boolean dpop) {
    }

    private record Handler(DatabaseClient db, RelyingParties clients, PairwiseSubject subjects, TokenIssuer tokens,
            Clock clock, IdpProperties properties, ResponseEncryption encryption, DpopProofs dpop) {

        Mono<ServerResponse> userinfo(ServerRequest request) {
            return bearer(request)
                    .flatMap(presented -> db.sql(QUERY).bind("hash", Secrets.sha256(presented.token()))
                            .map(row -> new Grant(row.get("client_id", String.class), row.get("scope", String.class),
                                    row.get("expires_at", OffsetDateTime.class).toInstant(),
                                    row.get("revoked_at", OffsetDateTime.class), row.get("account_email", String.class),
                                    Registry.person(row), row.get("dpop_jkt", String.class)))
                            .one()
                            .filter(g -> g.revokedAt() == null && g.expiresAt().isAfter(clock.instant()))
                            .switchIfEmpty(Mono.error(() -> OAuthException.invalidToken("access token invalid, expired or revoked")))
                            .flatMap(g -> bound(request, presented, g)))
                    .flatMap(g -> clients.find(g.clientId())
                            .switchIfEmpty(Mono.error(() -> OAuthException.invalidToken("client no longer registered")))
                            .flatMap(client -> render(g, client)));
        }

        private Mono<ServerResponse> render(Grant g, RelyingParty client) {
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("sub", subjects.of(client.sector(), g.person().nir().value()));
            claims.putAll(ScopeClaims.values(ScopeClaims.claims(Arrays.asList(g.scope().split(" "))), g.person(), g.email()));
            ServerResponse.BodyBuilder ok = ServerResponse.ok().cacheControl(CacheControl.noStore());
            if (client.userinfoAlg() == null) {
                return ok.contentType(MediaType.APPLICATION_JSON).bodyValue(JSONObjectUtils.toJSONString(claims));
            }
            Instant now = clock.instant();
            JWTClaimsSet.Builder jwt = new JWTClaimsSet.Builder()
                    .issuer(properties.issuer())
                    .audience(client.clientId())
                    .issueTime(Date.from(now))
                    .expirationTime(Date.from(now.plus(properties.oidc().idTokenTtl())));
            claims.forEach(jwt::claim);
            String signed = tokens.sign(jwt.build(), client.userinfoAlg());
            Encryption encryption = client.userinfoEncryption();
            if (encryption == null) {
                return ok.contentType(APPLICATION_JWT).bodyValue(signed);
            }
            return this.encryption.key(client, encryption).flatMap(key -> ok.contentType(APPLICATION_JWT)
                    .bodyValue(ResponseEncryption.encrypt(signed, encryption, key)));
        }

        /**
         * A DPoP-bound token is only accepted with the DPoP scheme and a proof by its key for this request, with the
         * token's hash ({@code ath}); a bearer token is not accepted with the DPoP scheme (RFC 9449 §7).
         */
        private Mono<Grant> bound(ServerRequest request, Presented presented, Grant g) {
            if (g.dpopJkt() == null) {
                return presented.dpop() ? Mono.error(OAuthException.invalidToken("not a DPoP-bound access token"))
                        : Mono.just(g);
            }
            if (!presented.dpop()) {
                return Mono.error(dpop.refused("DPoP-bound access token: the DPoP scheme and a proof are required"));
            }
            return dpop.verify(request, request.method().name(), properties.issuer() + "/userinfo", presented.token())
                    .flatMap(jkt -> jkt.equals(g.dpopJkt()) ? Mono.just(g)
                            : Mono.error(dpop.refused("DPoP proof by another key than the token's")));
        }

        /** RFC 6750: the Authorization header, or (POST only) the form body; never both, never the query. */
        private Mono<Presented> bearer(ServerRequest request) {
            String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
            Mono<String> fromBody = request.method() == HttpMethod.POST && request.headers().contentType()
                    .map(t -> t.isCompatibleWith(MediaType.APPLICATION_FORM_URLENCODED)).orElse(false)
                    ? request.formData().mapNotNull(form -> form.getFirst("access_token")) : Mono.empty();
            boolean dpopScheme = header != null && header.regionMatches(true, 0, "DPoP ", 0, 5);
            if (header != null && (dpopScheme || header.regionMatches(true, 0, "Bearer ", 0, 7))) {
                Presented token = new Presented(header.substring(dpopScheme ? 5 : 7).trim(), dpopScheme);
                return fromBody.hasElement().flatMap(both -> both
                        ? Mono.error(OAuthException.invalidRequest("token sent in more than one way"))
                        : Mono.just(token));
            }
            return fromBody.map(token -> new Presented(token, false))
                    .switchIfEmpty(Mono.error(() -> OAuthException.invalidToken("bearer token required")));
        }
    }
}
