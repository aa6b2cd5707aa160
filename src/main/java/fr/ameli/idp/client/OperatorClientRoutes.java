package fr.ameli.idp.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import fr.ameli.idp.platform.OperatorRoutes;
import fr.ameli.idp.web.error.OAuthErrorBody;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebInputException;
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

    /**
     * RFC 7591 client metadata, plus {@code client_secret_sha256}, {@code sector} and {@code require_pkce}, and the
     * FranceConnect+ settings ({@code default_acr_values}, {@code jwks_uri}, the {@code *_encrypted_response_*}
     * algorithms, {@code require_pushed_authorization_requests}, {@code dpop_bound_access_tokens}, {@code fapi}), and
     * Back-Channel Logout 1.0's {@code backchannel_logout_uri} and {@code backchannel_logout_session_required}.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ClientMetadata(
            @JsonProperty("client_name") @Nullable String clientName,
            @JsonProperty("client_secret_sha256") @Nullable String clientSecretSha256,
            @JsonProperty("token_endpoint_auth_method") @Nullable String tokenEndpointAuthMethod,
            @JsonProperty("redirect_uris") @Nullable List<String> redirectUris,
            @JsonProperty("post_logout_redirect_uris") @Nullable List<String> postLogoutRedirectUris,
            @Nullable String scope,
            @JsonProperty("id_token_signed_response_alg") @Nullable String idTokenSignedResponseAlg,
            @JsonProperty("userinfo_signed_response_alg") @Nullable String userinfoSignedResponseAlg,
            @Nullable String sector,
            @Nullable Map<String, Object> jwks,
            @JsonProperty("require_pkce") @Nullable Boolean requirePkce,
            @JsonProperty("default_acr_values") @Nullable List<String> defaultAcrValues,
            @JsonProperty("jwks_uri") @Nullable String jwksUri,
            @JsonProperty("id_token_encrypted_response_alg") @Nullable String idTokenEncryptedResponseAlg,
            @JsonProperty("id_token_encrypted_response_enc") @Nullable String idTokenEncryptedResponseEnc,
            @JsonProperty("userinfo_encrypted_response_alg") @Nullable String userinfoEncryptedResponseAlg,
            @JsonProperty("userinfo_encrypted_response_enc") @Nullable String userinfoEncryptedResponseEnc,
            @JsonProperty("require_pushed_authorization_requests") @Nullable Boolean requirePushedAuthorizationRequests,
            @JsonProperty("dpop_bound_access_tokens") @Nullable Boolean dpopBoundAccessTokens,
            @Nullable Boolean fapi,
            @JsonProperty("backchannel_logout_uri") @Nullable String backchannelLogoutUri,
            @JsonProperty("backchannel_logout_session_required") @Nullable Boolean backchannelLogoutSessionRequired) {

        ClientProperties properties(String clientId) {
            return new ClientProperties(clientId, clientName, clientSecretSha256,
                    tokenEndpointAuthMethod == null ? null : List.of(tokenEndpointAuthMethod),
                    redirectUris == null ? List.of() : redirectUris, postLogoutRedirectUris == null ? List.of() : postLogoutRedirectUris,
                    scope == null ? List.of() : List.of(scope.split(" ")),
                    idTokenSignedResponseAlg, userinfoSignedResponseAlg, sector,
                    jwks == null ? null : JSONObjectUtils.toJSONString(jwks),
                    requirePkce, defaultAcrValues, jwksUri,
                    idTokenEncryptedResponseAlg, idTokenEncryptedResponseEnc,
                    userinfoEncryptedResponseAlg, userinfoEncryptedResponseEnc,
                    Boolean.TRUE.equals(requirePushedAuthorizationRequests), Boolean.TRUE.equals(dpopBoundAccessTokens),
                    Boolean.TRUE.equals(fapi), backchannelLogoutUri, backchannelLogoutSessionRequired);
        }
    }

    /** What a registration answers. */
    record Registered(@JsonProperty("client_id") String clientId, String sector) {
    }

    @Bean
    OperatorRoutes operatorClientApi(RelyingParties clients) {
        return routes -> routes.PUT("/operator/clients/{clientId}", request -> register(request, clients));
    }

    private static Mono<ServerResponse> register(ServerRequest request, RelyingParties clients) {
        String clientId = request.pathVariable("clientId");
        return request.bodyToMono(ClientMetadata.class)
                .onErrorMap(ServerWebInputException.class, e -> new IllegalArgumentException("body is not client metadata (RFC 7591)"))
                .switchIfEmpty(Mono.error(() -> new IllegalArgumentException("body is not client metadata (RFC 7591)")))
                .map(metadata -> metadata.properties(clientId))
                .flatMap(p -> clients.register(p, "operator"))
                .flatMap(rp -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new Registered(rp.clientId(), rp.sector())))
                .onErrorResume(IllegalArgumentException.class, e -> ServerResponse.badRequest()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new OAuthErrorBody("invalid_client_metadata", String.valueOf(e.getMessage()))));
    }
}
