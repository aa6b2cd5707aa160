package fr.ameli.idp.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.platform.OperatorRoutes;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Operator API to register a relying party without a restart: {@code PUT /operator/clients/{client_id}}
 * with the RFC 7591 metadata names ({@code redirect_uris}, {@code token_endpoint_auth_method}…) plus
 * {@code client_secret_sha256} and {@code sector}. Served on the operator port only, behind the bearer token
 * {@code idp.operator.token} (platform.OperatorServer); when that is unset the API does not exist. Every replica
 * sees the registration (PostgreSQL).
 */
@Configuration(proxyBeanMethods = false)
class OperatorClientRoutes {

    @Bean
    OperatorRoutes operatorClientApi(RelyingParties clients) {
        return routes -> routes.PUT("/operator/clients/{clientId}", request -> register(request, clients));
    }

    private static Mono<ServerResponse> register(ServerRequest request, RelyingParties clients) {
        String clientId = request.pathVariable("clientId");
        return request.bodyToMono(String.class)
                .map(body -> properties(clientId, body))
                .flatMap(p -> clients.register(p, "operator"))
                .flatMap(rp -> json(HttpStatus.OK, Map.of("client_id", rp.clientId(), "sector", rp.sector())))
                .onErrorResume(IllegalArgumentException.class,
                        e -> json(HttpStatus.BAD_REQUEST, Map.of("error", "invalid_client_metadata",
                                "error_description", String.valueOf(e.getMessage()))));
    }

    static ClientProperties properties(String clientId, String json) {
        Map<String, Object> m;
        try {
            m = JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("body is not a JSON object");
        }
        String method = string(m, "token_endpoint_auth_method");
        return new ClientProperties(clientId, string(m, "client_name"), string(m, "client_secret_sha256"),
                method == null ? null : List.of(method), list(m, "redirect_uris"), list(m, "post_logout_redirect_uris"),
                m.get("scope") == null ? List.of() : List.of(String.valueOf(m.get("scope")).split(" ")),
                string(m, "id_token_signed_response_alg"), string(m, "userinfo_signed_response_alg"), string(m, "sector"),
                jwks(m),
                Boolean.TRUE.equals(m.get("require_pkce")),
                m.get("default_acr_values") == null ? null : list(m, "default_acr_values"),
                string(m, "jwks_uri"),
                string(m, "id_token_encrypted_response_alg"), string(m, "id_token_encrypted_response_enc"),
                string(m, "userinfo_encrypted_response_alg"), string(m, "userinfo_encrypted_response_enc"),
                Boolean.TRUE.equals(m.get("require_pushed_authorization_requests")),
                Boolean.TRUE.equals(m.get("dpop_bound_access_tokens")),
                Boolean.TRUE.equals(m.get("fapi")));
    }

    private static @Nullable String jwks(Map<String, Object> m) {
        try {
            Map<String, Object> jwks = JSONObjectUtils.getJSONObject(m, "jwks");
            return jwks == null ? null : JSONObjectUtils.toJSONString(jwks);
        } catch (ParseException e) {
            throw new IllegalArgumentException("jwks must be a JSON object");
        }
    }

    private static @Nullable String string(Map<String, Object> m, String name) {
        Object v = m.get(name);
        return v == null ? null : String.valueOf(v);
    }

    private static List<String> list(Map<String, Object> m, String name) {
        Object v = m.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(name + " must be an array");
        }
        return l.stream().map(String::valueOf).toList();
    }


    private static Mono<ServerResponse> json(HttpStatus status, Map<String, Object> body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(JSONObjectUtils.toJSONString(body));
    }
}
