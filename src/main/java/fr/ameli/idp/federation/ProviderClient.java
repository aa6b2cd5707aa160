package fr.ameli.idp.federation;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import fr.ameli.idp.web.error.UpstreamException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The provider over HTTP, with Spring's reactive {@link WebClient} on Reactor Netty: connect and response
 * timeouts from the settings, never a blocking call. The discovery document and the JWKS are cached for
 * {@code metadata-cache-ttl}; a failed fetch is never cached (Spring Security's
 * {@code ReactiveRemoteJWKSource}: {@code cache(value → ttl, error → zero, empty → zero)}); the JWKS is
 * fetched again when a token names a key it does not hold ({@link Connection#refreshJwks}).
 *
 * <p>Every failure leaves as an {@link UpstreamException} with a {@link ProviderFailure.Reason}: unreachable,
 * timeout, 5xx, another status, a body that is not what was asked for.
 */
@Component
class ProviderClient {

    private static final MediaType JWT = MediaType.parseMediaType("application/jwt");
    private static final MediaType JWK_SET = MediaType.parseMediaType("application/jwk-set+json");

    private final FederationSettings settings;
    private final AtomicReference<@Nullable Connection> connection = new AtomicReference<>();

    ProviderClient(FederationSettings settings) {
        this.settings = settings;
    }

    /** The provider in force with its HTTP client and caches, or NOT_CONFIGURED. */
    Mono<Connection> connection() {
        return Mono.defer(() -> settings.current()
                .map(config -> Mono.just(connectionFor(config)))
                .orElseGet(() -> Mono.error(ProviderFailure.of(ProviderFailure.Reason.NOT_CONFIGURED))));
    }

    private Connection connectionFor(ProviderConfig config) {
        Connection existing = connection.get();
        if (existing != null && existing.config == config) {
            return existing;
        }
        Connection fresh = new Connection(config);
        connection.set(fresh);
        return fresh;
    }

    /** The tokens of a successful code exchange. */
    record Tokens(String idToken, String accessToken) {
        @Override
        public String toString() {
            return "Tokens[***]";
        }
    }

    /** The userinfo answer: a compact JWS to verify, or plain JSON claims. */
    record Userinfo(@Nullable String jwt, @Nullable Map<String, Object> json) {
        @Override
        public String toString() {
            return "Userinfo[***]";
        }
    }

    private record Response(int status, @Nullable MediaType type, String body) {
        boolean is(MediaType expected) {
            return type != null && type.isCompatibleWith(expected);
        }
    }

    /** One provider registration: its HTTP client (with its timeouts) and its caches. */
    final class Connection {

        private final ProviderConfig config;
        private final WebClient http;
        private final Mono<ProviderMetadata> metadata;
        private final AtomicReference<Mono<JWKSet>> jwks;

        private Connection(ProviderConfig config) {
            this.config = config;
            HttpClient client = HttpClient.create()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                    .responseTimeout(config.responseTimeout());
            this.http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build();
            this.metadata = fetchMetadata().cache(m -> config.metadataCacheTtl(), e -> Duration.ZERO, () -> Duration.ZERO);
            this.jwks = new AtomicReference<>(cachedJwks());
        }

        ProviderConfig config() {
            return config;
        }

        Mono<ProviderMetadata> metadata() {
            return metadata;
        }

        /** The cached key set. */
        Mono<JWKSet> jwks() {
            return Mono.defer(jwks::get);
        }

        /** Drops the cached key set and fetches it again (a token named an unknown key: the provider rotated). */
        Mono<JWKSet> refreshJwks() {
            return Mono.defer(() -> {
                Mono<JWKSet> fresh = cachedJwks();
                jwks.set(fresh);
                return fresh;
            });
        }

        /** RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5); client authentication as registered. */
        Mono<Tokens> exchange(String code, String codeVerifier, String redirectUri) {
            return metadata.flatMap(m -> {
                MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
                form.add("grant_type", "authorization_code");
                form.add("code", code);
                form.add("redirect_uri", redirectUri);
                form.add("code_verifier", codeVerifier);
                WebClient.RequestBodySpec request = http.post().uri(m.tokenEndpoint())
                        .accept(MediaType.APPLICATION_JSON)
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED);
                if (config.tokenAuth() == ProviderConfig.TokenAuth.CLIENT_SECRET_BASIC) {
                    // RFC 6749 §2.3.1: each part form-urlencoded before Base64.
                    request = request.headers(h -> h.setBasicAuth(urlEncode(config.clientId()),
                            urlEncode(config.clientSecret())));
                } else {
                    form.add("client_id", config.clientId());
                    form.add("client_secret", config.clientSecret());
                }
                return send(request.body(BodyInserters.fromFormData(form)), "token").map(this::tokens);
            });
        }

        /** OIDC Core §5.3, called at once with the access token (as FranceConnect does). */
        Mono<Userinfo> userinfo(String accessToken) {
            return metadata.flatMap(m -> send(http.get().uri(m.userinfoEndpoint())
                    .headers(h -> h.setBearerAuth(accessToken))
                    .accept(config.userinfoFormat() == ProviderConfig.UserinfoFormat.JWT ? JWT : MediaType.APPLICATION_JSON),
                    "userinfo").map(this::userinfo));
        }

        private Mono<ProviderMetadata> fetchMetadata() {
            URI uri = URI.create(config.issuerBase() + "/.well-known/openid-configuration");
            return Mono.defer(() -> send(http.get().uri(uri).accept(MediaType.APPLICATION_JSON), "discovery"))
                    .map(r -> ProviderMetadata.parse(json(r, "discovery"), config));
        }

        private Mono<JWKSet> cachedJwks() {
            return metadata.flatMap(m -> send(http.get().uri(m.jwksUri()).accept(MediaType.APPLICATION_JSON, JWK_SET), "jwks"))
                    .map(r -> {
                        if (r.status() != 200 || !(r.is(MediaType.APPLICATION_JSON) || r.is(JWK_SET))) {
                            throw unexpected(r, "jwks");
                        }
                        try {
                            return JWKSet.parse(r.body());
                        } catch (ParseException e) {
                            throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "jwks");
                        }
                    })
                    .cache(k -> config.metadataCacheTtl(), e -> Duration.ZERO, () -> Duration.ZERO);
        }

        private Tokens tokens(Response r) {
            if (r.status() >= 500) {
                throw ProviderFailure.of(ProviderFailure.Reason.SERVER_ERROR, "token " + r.status());
            }
            if (r.status() != 200) {
                // RFC 6749 §5.2 (invalid_grant, invalid_client…): the error code is the provider's, not personal.
                throw ProviderFailure.of(ProviderFailure.Reason.TOKEN_REJECTED, "token " + r.status());
            }
            Map<String, Object> body;
            try {
                body = JSONObjectUtils.parse(json(r, "token"));
            } catch (ParseException e) {
                throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "token");
            }
            Object idToken = body.get("id_token");
            Object accessToken = body.get("access_token");
            Object type = body.get("token_type");
            if (!(idToken instanceof String id) || id.isBlank() || !(accessToken instanceof String access) || access.isBlank()
                    || !(type instanceof String t) || !"bearer".equals(t.toLowerCase(Locale.ROOT))) {
                throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "token members");
            }
            return new Tokens(id, access);
        }

        private Userinfo userinfo(Response r) {
            boolean jwtExpected = config.userinfoFormat() == ProviderConfig.UserinfoFormat.JWT;
            if (r.status() != 200) {
                throw unexpected(r, "userinfo");
            }
            if (r.is(JWT)) {
                if (!jwtExpected) {
                    throw ProviderFailure.of(ProviderFailure.Reason.USERINFO_FORMAT, "jwt");
                }
                return new Userinfo(r.body().trim(), null);
            }
            if (r.is(MediaType.APPLICATION_JSON)) {
                if (jwtExpected) {
                    throw ProviderFailure.of(ProviderFailure.Reason.USERINFO_FORMAT, "json");
                }
                try {
                    return new Userinfo(null, JSONObjectUtils.parse(r.body()));
                } catch (ParseException e) {
                    throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "userinfo");
                }
            }
            throw ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, "userinfo content type");
        }

        /** The body of a 200 JSON answer, else the failure that fits. */
        private String json(Response r, String what) {
            if (r.status() != 200 || !r.is(MediaType.APPLICATION_JSON)) {
                throw unexpected(r, what);
            }
            return r.body();
        }

        private UpstreamException unexpected(Response r, String what) {
            if (r.status() >= 500) {
                return ProviderFailure.of(ProviderFailure.Reason.SERVER_ERROR, what + " " + r.status());
            }
            if (r.status() != 200) {
                return ProviderFailure.of(ProviderFailure.Reason.HTTP_ERROR, what + " " + r.status());
            }
            return ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, what + " content type");
        }

        private Mono<Response> send(WebClient.RequestHeadersSpec<?> request, String what) {
            return request.exchangeToMono(response -> {
                        int status = response.statusCode().value();
                        MediaType type = response.headers().contentType().orElse(null);
                        return response.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> new Response(status, type, body));
                    })
                    .timeout(config.connectTimeout().plus(config.responseTimeout()))
                    .onErrorMap(e -> !(e instanceof UpstreamException), e -> translate(e, what));
        }
    }

    private static Throwable translate(Throwable e, String what) {
        if (causedBy(e, java.util.concurrent.TimeoutException.class)
                || causedBy(e, io.netty.handler.timeout.TimeoutException.class)
                || causedBy(e, io.netty.channel.ConnectTimeoutException.class)) {
            return ProviderFailure.of(ProviderFailure.Reason.TIMEOUT, what, e);
        }
        if (causedBy(e, DataBufferLimitException.class)) {
            return ProviderFailure.of(ProviderFailure.Reason.MALFORMED_RESPONSE, what + " too large", e);
        }
        if (e instanceof WebClientRequestException || causedBy(e, java.io.IOException.class)) {
            return ProviderFailure.of(ProviderFailure.Reason.UNREACHABLE, what, e);
        }
        return ProviderFailure.of(ProviderFailure.Reason.UNREACHABLE, what + " " + e.getClass().getSimpleName(), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
