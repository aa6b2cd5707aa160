package fr.ameli.idp.oidc.token;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.oidc.shared.ClientAuthenticator;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.error.ErrorRenderer;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The token endpoint (RFC 6749 §3.2) and token revocation (RFC 7009). */
@Configuration(proxyBeanMethods = false)
public class TokenRoutes {

    @Bean
    RouterFunction<ServerResponse> tokenRouter(ClientAuthenticator clients, AuthorizationCodeGrant codeGrant,
            DatabaseClient db, ErrorRenderer errors, DpopProofs dpop, IdpProperties properties) {
        String tokenEndpoint = properties.issuer() + "/token";
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .POST("/token", request -> Params.of(request)
                        .flatMap(params -> clients.authenticate(request, params)
                                .flatMap(client -> {
                                    String grantType = params.required("grant_type");
                                    if (!"authorization_code".equals(grantType)) {
                                        return Mono.error(new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE,
                                                "only authorization_code is supported"));
                                    }
                                    // RFC 9449: a proof binds the token to its key; an RP registered for DPoP must send one.
                                    if (DpopProofs.proof(request) == null && !client.requiresDpop()) {
                                        return codeGrant.exchange(client, params, null);
                                    }
                                    return dpop.verify(request, "POST", tokenEndpoint, null, client.fapi()
                                                    ? java.util.Set.of(com.nimbusds.jose.JWSAlgorithm.ES256) : DpopProofs.ALGORITHMS)
                                            .flatMap(jkt -> codeGrant.exchange(client, params, jkt));
                                }))
                        .flatMap(body -> ServerResponse.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .cacheControl(CacheControl.noStore())
                                .header(HttpHeaders.PRAGMA, "no-cache")
                                .bodyValue(JSONObjectUtils.toJSONString(body)))
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::tokenEndpointResponse)
                        .onErrorResume(errors::json))
                .POST("/revoke", request -> Params.of(request)
                        .flatMap(params -> clients.authenticate(request, params)
                                .flatMap(client -> revoke(db, client.clientId(), params)))
                        .then(ServerResponse.ok().cacheControl(CacheControl.noStore()).build())
                        .onErrorResume(errors::json))
                .build());
    }

    /**
     * RFC 7009 §2.2: the answer is 200 whether or not the token was known, so that the endpoint tells
     * nothing; a token of another client is left alone. Access tokens are the only tokens issued.
     */
    private static Mono<Void> revoke(DatabaseClient db, String clientId, Params params) {
        // token_type_hint is only a hint (RFC 7009 §2.1): access tokens are the only kind issued here.
        String token = params.required("token");
        return db.sql("update access_token set revoked_at = now() where token_hash = :hash and client_id = :client "
                        + "and revoked_at is null")
                .bind("hash", Secrets.sha256(token))
                .bind("client", clientId)
                .then();
    }
}
