package fr.ameli.idp.oidc.token;

import com.nimbusds.jose.JWSAlgorithm;
import fr.ameli.idp.oidc.shared.ClientAuthenticator;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.web.error.OAuthError;
import fr.ameli.idp.web.error.OAuthException;
import java.util.Map;
import java.util.Set;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What the token endpoint answers to a request whose parameters are read: the client authenticated, the grant type
 * checked, the DPoP proof verified where there is one or the client requires one, the code exchanged. The routed
 * handler ({@link TokenRoutes}) and the answer in front of the pipeline ({@link DirectToken}) both ask it, so that the
 * two cannot differ but in how the request was read and the answer written.
 */
@Component
class TokenEndpoint {

    private final ClientAuthenticator clients;
    private final AuthorizationCodeGrant codeGrant;
    private final DpopProofs dpop;
    private final String tokenEndpoint;

    TokenEndpoint(ClientAuthenticator clients, AuthorizationCodeGrant codeGrant, DpopProofs dpop,
            IdpProperties properties) {
        this.clients = clients;
        this.codeGrant = codeGrant;
        this.dpop = dpop;
        this.tokenEndpoint = properties.issuer() + "/token";
    }

    /** The token response's members, or an OAuthException or DpopException to render. */
    Mono<Map<String, Object>> answer(ServerHttpRequest request, Params params) {
        return clients.authenticate(request, params).flatMap(client -> {
            String grantType = params.required("grant_type");
            if (!"authorization_code".equals(grantType)) {
                return Mono.error(new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE,
                        "only authorization_code is supported"));
            }
            // RFC 9449: a proof binds the token to its key; an RP registered for DPoP must send one.
            if (request.getHeaders().getFirst(DpopProofs.HEADER) == null && !client.requiresDpop()) {
                return codeGrant.exchange(client, params, null);
            }
            return dpop.verify(request.getHeaders(), "POST", tokenEndpoint, null,
                            client.fapi() ? Set.of(JWSAlgorithm.ES256) : DpopProofs.ALGORITHMS)
                    .flatMap(jkt -> codeGrant.exchange(client, params, jkt));
        });
    }
}
