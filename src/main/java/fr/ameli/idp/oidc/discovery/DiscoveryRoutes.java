package fr.ameli.idp.oidc.discovery;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.client.Encryption;
import fr.ameli.idp.client.RelyingParty;
import fr.ameli.idp.oidc.shared.Acr;
import fr.ameli.idp.oidc.shared.ScopeClaims;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.token.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.authorization.oidc.OidcProviderConfiguration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Discovery (OIDC Discovery 1.0) and the JWKS. The discovery document is built once, with Spring
 * Authorization Server's metadata model, and served as the same immutable bytes to every request;
 * it lists exactly what this provider does. Both are answered in front of the WebFlux pipeline
 * ({@link PublishedDocuments}).
 */
@Configuration(proxyBeanMethods = false)
public class DiscoveryRoutes {

    static byte[] document(IdpProperties properties) {
        String issuer = properties.issuer();
        List<String> claims = new ArrayList<>(List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr",
                "sid"));
        claims.addAll(ScopeClaims.claims(RelyingParty.SUPPORTED_SCOPES));
        claims.remove("sub");
        claims.add(0, "sub");
        OidcProviderConfiguration configuration = OidcProviderConfiguration.builder()
                .issuer(issuer)
                .authorizationEndpoint(issuer + "/authorize")
                .tokenEndpoint(issuer + "/token")
                .userInfoEndpoint(issuer + "/userinfo")
                .jwkSetUrl(issuer + "/jwks")
                .endSessionEndpoint(issuer + "/logout")
                .tokenRevocationEndpoint(issuer + "/revoke")
                .responseType("code")
                .grantType("authorization_code")
                .subjectType("pairwise")
                .idTokenSigningAlgorithms(algs -> algs.addAll(List.of("ES256", "RS256")))
                .scopes(scopes -> scopes.addAll(RelyingParty.SUPPORTED_SCOPES.stream().sorted().toList()))
                .tokenEndpointAuthenticationMethods(m -> m.addAll(List.of("client_secret_basic", "client_secret_post",
                        "private_key_jwt")))
                .tokenRevocationEndpointAuthenticationMethods(m -> m.addAll(List.of("client_secret_basic",
                        "client_secret_post", "private_key_jwt")))
                .codeChallengeMethod("S256")
                .claim("response_modes_supported", List.of("query"))
                .claim("pushed_authorization_request_endpoint", issuer + "/par")
                .claim("require_pushed_authorization_requests", false)
                .claim("dpop_signing_alg_values_supported", List.of("ES256", "PS256", "RS256"))
                .claim("acr_values_supported", Acr.SUPPORTED)
                .claim("id_token_encryption_alg_values_supported", names(Encryption.ALGORITHMS))
                .claim("id_token_encryption_enc_values_supported", names(Encryption.METHODS))
                .claim("userinfo_encryption_alg_values_supported", names(Encryption.ALGORITHMS))
                .claim("userinfo_encryption_enc_values_supported", names(Encryption.METHODS))
                .claim("claims_supported", claims)
                .claim("claims_parameter_supported", true)
                .claim("request_parameter_supported", false)
                .claim("request_uri_parameter_supported", false)
                .claim("userinfo_signing_alg_values_supported", List.of("ES256", "RS256"))
                .claim("token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "ES256", "PS256"))
                .claim("prompt_values_supported", List.of("login", "consent", "none"))
                .claim("ui_locales_supported", List.of("fr"))
                .claim("authorization_response_iss_parameter_supported", true)
                .claim("frontchannel_logout_supported", false)
                .claim("backchannel_logout_supported", true)
                .claim("backchannel_logout_session_supported", true)
                .build();
        return JSONObjectUtils.toJSONString(configuration.getClaims()).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(List<? extends com.nimbusds.jose.Algorithm> algorithms) {
        return algorithms.stream().map(com.nimbusds.jose.Algorithm::getName).toList();
    }

    /** What a FranceConnect-like hub polls to know the provider is up: constant bytes, no database, no key. */
    static final byte[] STATUS = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

    /** Served in front of the WebFlux pipeline: see {@link PublishedDocuments}. */
    @Bean
    HttpHandlerDecoratorFactory publishedDocuments(IdpProperties properties, SigningKeys keys) {
        return new PublishedDocuments(document(properties), keys);
    }

    /**
     * The same documents as routes of the OAuth channel: GET and HEAD never reach them ({@link PublishedDocuments}
     * answers first); they give the other methods on these paths their JSON error, and the channel its declaration.
     * {@code /status} is served here, by the pipeline (OAuth channel as well).
     */
    @Bean
    RouterFunction<ServerResponse> discoveryRouter(IdpProperties properties, SigningKeys keys) {
        byte[] discovery = document(properties);
        CacheControl cache = CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic();
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .GET("/.well-known/openid-configuration", request -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON).cacheControl(cache).bodyValue(discovery))
                .GET("/status", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noStore()).bodyValue(STATUS))
                .GET("/jwks", request -> ServerResponse.ok()
                        .contentType(MediaType.parseMediaType("application/jwk-set+json"))
                        .cacheControl(CacheControl.maxAge(Duration.ofMinutes(1)).cachePublic())
                        .bodyValue(keys.jwksJson()))
                .build());
    }
}
