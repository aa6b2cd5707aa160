package fr.ameli.idp.federation;

import fr.ameli.idp.web.error.ErrorChannel;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.ameli.idp.oidc.shared.Pkce;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.Pages;
import fr.ameli.idp.web.error.ErrorRenderer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * A development-only FranceConnect-like provider under {@code /dev/federation}, so that the whole federated
 * creation works from the README's run command with no outside service. It exists only with the embedded
 * default ({@code idp.embedded.active=true}), where {@code idp.federation.*} points at it.
 *
 * <p>Minimal but real OpenID Connect: discovery, JWKS (an ES256 key generated in memory at start-up),
 * authorization code with PKCE S256 and a page to pick a demo identity (person 3 of DEMO-DATA.md with her
 * exact pivot; person 1, whose account exists, to try linking and login; person 6, excluded), token endpoint
 * ({@code client_secret_post} or {@code client_secret_basic}), ES256 ID token with {@code nonce} and
 * {@code acr=eidas1}, userinfo as a signed JWT, and end-session. Its one registered client is this service
 * itself ({@code idp.federation.client-id}/{@code client-secret}, redirect URI {@code /federation/callback},
 * post-logout URI {@code /federation/logout-callback}). Codes and access tokens live in memory: one instance.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("idp.embedded.active")
class DevFederationProvider {

    static final String PATH = "/dev/federation";

    /** A demo identity the page offers, with the claims the provider sends for it. */
    record DemoIdentity(String id, String label, Map<String, Object> claims) {
    }

    static final List<DemoIdentity> IDENTITIES = List.of(
            identity("3", "Jean-Pierre Louis DUPONT (personne 3 : création du compte)", "Jean-Pierre Louis", "DUPONT",
                    "1979-06-21", "male", "13055", "99100", "jean-pierre.dupont@example.fr"),
            identity("1", "Claire Anne MARTIN (personne 1 : compte existant, à associer puis connexion)", "Claire Anne",
                    "MARTIN", "1985-05-14", "female", "75112", "99100", "claire.martin@example.fr"),
            identity("6", "Louis PETIT (personne 6 : régime non éligible)", "Louis", "PETIT", "1955-05-02", "male", "",
                    "99350", "louis.petit@example.fr"));

    private static DemoIdentity identity(String id, String label, String given, String family, String birthdate,
            String gender, String birthplace, String birthcountry, String email) {
        Map<String, Object> claims = new LinkedHashMap<>();
        // A stable subject per identity (FranceConnect's subjects are 64 hex characters, pairwise per client).
        claims.put("sub", java.util.HexFormat.of().formatHex(Secrets.sha256("dev-federation-subject:" + id)));
        claims.put("given_name", given);
        claims.put("family_name", family);
        claims.put("preferred_username", family);
        claims.put("birthdate", birthdate);
        claims.put("gender", gender);
        claims.put("birthplace", birthplace);
        claims.put("birthcountry", birthcountry);
        claims.put("email", email);
        return new DemoIdentity(id, label, Map.copyOf(claims));
    }

    @Bean
    RouterFunction<ServerResponse> devFederationRouter(IdpProperties idp, FederationProperties federation, Clock clock,
            ErrorRenderer errors) throws JOSEException {
        Provider provider = new Provider(idp.issuer(), federation.clientId(), federation.clientSecret(), clock, errors);
        return ErrorChannel.PAGE.declare(RouterFunctions.route()
                        .GET(PATH + "/authorize", provider::authorize)
                        .POST(PATH + "/authorize", provider::choose)
                        .GET(PATH + "/session/end", provider::endSession)
                        .build())
                .and(ErrorChannel.OAUTH.declare(RouterFunctions.route()
                        .GET(PATH + "/.well-known/openid-configuration", request -> provider.discovery())
                        .GET(PATH + "/jwks", request -> provider.jwks())
                        .POST(PATH + "/token", provider::token)
                        .GET(PATH + "/userinfo", provider::userinfo)
                        .build()));
    }

    private static final class Provider {

        private static final Duration CODE_TTL = Duration.ofSeconds(30);
        private static final Duration TOKEN_TTL = Duration.ofSeconds(60);

        private record Interaction(String redirectUri, String state, String nonce, String challenge, Instant expiresAt) {
        }

        private record Grant(DemoIdentity identity, String redirectUri, String nonce, String challenge, Instant expiresAt) {
        }

        private record Access(DemoIdentity identity, Instant expiresAt) {
        }

        private final String issuer;
        private final @Nullable String clientId;
        private final @Nullable String clientSecret;
        private final String redirectUri;
        private final String postLogoutRedirectUri;
        private final Clock clock;
        private final ErrorRenderer errors;
        private final ECKey key;
        private final byte[] discovery;
        private final byte[] jwks;
        private final Map<String, Interaction> interactions = new ConcurrentHashMap<>();
        private final Map<String, Grant> codes = new ConcurrentHashMap<>();
        private final Map<String, Access> tokens = new ConcurrentHashMap<>();

        Provider(String base, @Nullable String clientId, @Nullable String clientSecret, Clock clock, ErrorRenderer errors)
                throws JOSEException {
            this.issuer = base + PATH;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            this.redirectUri = base + "/federation/callback";
            this.postLogoutRedirectUri = base + "/federation/logout-callback";
            this.clock = clock;
            this.errors = errors;
            this.key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("issuer", issuer);
            doc.put("authorization_endpoint", issuer + "/authorize");
            doc.put("token_endpoint", issuer + "/token");
            doc.put("userinfo_endpoint", issuer + "/userinfo");
            doc.put("jwks_uri", issuer + "/jwks");
            doc.put("end_session_endpoint", issuer + "/session/end");
            doc.put("response_types_supported", List.of("code"));
            doc.put("grant_types_supported", List.of("authorization_code"));
            doc.put("subject_types_supported", List.of("pairwise"));
            doc.put("id_token_signing_alg_values_supported", List.of("ES256"));
            doc.put("userinfo_signing_alg_values_supported", List.of("ES256"));
            doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_post", "client_secret_basic"));
            doc.put("code_challenge_methods_supported", List.of("S256"));
            doc.put("acr_values_supported", List.of("eidas1"));
            doc.put("scopes_supported", List.of("openid", "given_name", "family_name", "birthdate", "gender", "birthplace",
                    "birthcountry", "email", "preferred_username", "profile", "birth", "identite_pivot"));
            this.discovery = JSONObjectUtils.toJSONString(doc).getBytes(StandardCharsets.UTF_8);
            this.jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        }

        Mono<ServerResponse> discovery() {
            return json(HttpStatus.OK, discovery);
        }

        Mono<ServerResponse> jwks() {
            return json(HttpStatus.OK, jwks);
        }

        /** Only this service's registration, with its exact redirect URI, PKCE S256, state and nonce. */
        Mono<ServerResponse> authorize(ServerRequest request) {
            MultiValueMap<String, String> q = request.queryParams();
            String state = q.getFirst("state");
            String nonce = q.getFirst("nonce");
            String challenge = q.getFirst("code_challenge");
            String scope = q.getFirst("scope");
            if (clientId == null || !clientId.equals(q.getFirst("client_id")) || !redirectUri.equals(q.getFirst("redirect_uri"))
                    || !"code".equals(q.getFirst("response_type")) || scope == null || !List.of(scope.split(" ")).contains("openid")
                    || state == null || nonce == null || challenge == null || !"S256".equals(q.getFirst("code_challenge_method"))) {
                return errors.page("erreur.invalid_request", HttpStatus.BAD_REQUEST);
            }
            purge();
            String interaction = Secrets.newHandle();
            interactions.put(interaction, new Interaction(redirectUri, state, nonce, challenge,
                    clock.instant().plus(Duration.ofMinutes(10))));
            return Pages.render(request, "dev/federation", Map.of("interaction", interaction, "identites", IDENTITIES));
        }

        Mono<ServerResponse> choose(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String id = form.getFirst("interaction");
                Interaction interaction = id == null ? null : interactions.remove(id);
                if (interaction == null || interaction.expiresAt().isBefore(clock.instant())) {
                    return errors.page("erreur.demande_expiree", HttpStatus.BAD_REQUEST);
                }
                UriComponentsBuilder back = UriComponentsBuilder.fromUriString(interaction.redirectUri());
                if ("refuser".equals(form.getFirst("action"))) {
                    back.queryParam("error", "access_denied").queryParam("error_description", "User refused");
                } else {
                    DemoIdentity identity = IDENTITIES.stream().filter(i -> i.id().equals(form.getFirst("identite")))
                            .findFirst().orElse(IDENTITIES.get(0));
                    String code = Secrets.newHandle();
                    codes.put(code, new Grant(identity, interaction.redirectUri(), interaction.nonce(), interaction.challenge(),
                            clock.instant().plus(CODE_TTL)));
                    back.queryParam("code", code);
                }
                return ServerResponse.seeOther(back.queryParam("state", interaction.state()).queryParam("iss", issuer)
                        .encode().build().toUri()).build();
            });
        }

        Mono<ServerResponse> token(ServerRequest request) {
            return request.formData().flatMap(form -> {
                String[] basic = basic(request.headers().firstHeader(HttpHeaders.AUTHORIZATION));
                String id = basic != null ? basic[0] : form.getFirst("client_id");
                String secret = basic != null ? basic[1] : form.getFirst("client_secret");
                if (clientId == null || clientSecret == null || !clientId.equals(id) || secret == null
                        || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                                clientSecret.getBytes(StandardCharsets.UTF_8))) {
                    return error(HttpStatus.UNAUTHORIZED, "invalid_client");
                }
                String code = form.getFirst("code");
                Grant grant = code == null ? null : codes.remove(code);
                String verifier = form.getFirst("code_verifier");
                Instant now = clock.instant();
                if (!"authorization_code".equals(form.getFirst("grant_type")) || grant == null
                        || grant.expiresAt().isBefore(now) || !grant.redirectUri().equals(form.getFirst("redirect_uri"))
                        || verifier == null || !Pkce.s256(verifier).equals(grant.challenge())) {
                    return error(HttpStatus.BAD_REQUEST, "invalid_grant");
                }
                String accessToken = Secrets.newHandle();
                tokens.put(accessToken, new Access(grant.identity(), now.plus(TOKEN_TTL)));
                JWTClaimsSet idToken = new JWTClaimsSet.Builder()
                        .issuer(issuer).audience(clientId).subject((String) grant.identity().claims().get("sub"))
                        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(TOKEN_TTL)))
                        .claim("auth_time", now.getEpochSecond()).claim("nonce", grant.nonce())
                        .claim("acr", "eidas1").claim("amr", List.of("pwd"))
                        .build();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("access_token", accessToken);
                body.put("token_type", "Bearer");
                body.put("expires_in", TOKEN_TTL.toSeconds());
                body.put("id_token", sign(idToken));
                body.put("scope", "openid");
                return json(HttpStatus.OK, JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8));
            });
        }

        Mono<ServerResponse> userinfo(ServerRequest request) {
            String header = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
            Access access = header != null && header.startsWith("Bearer ") ? tokens.get(header.substring(7).trim()) : null;
            Instant now = clock.instant();
            if (access == null || access.expiresAt().isBefore(now)) {
                return ServerResponse.status(HttpStatus.UNAUTHORIZED)
                        .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build();
            }
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(clientId)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(TOKEN_TTL)));
            access.identity().claims().forEach(claims::claim);
            return ServerResponse.ok().contentType(MediaType.parseMediaType("application/jwt"))
                    .cacheControl(CacheControl.noStore()).bodyValue(sign(claims.build()));
        }

        /** RP-initiated logout: back to the registered post-logout URI with the state. */
        Mono<ServerResponse> endSession(ServerRequest request) {
            String target = request.queryParam("post_logout_redirect_uri").orElse(null);
            if (request.queryParam("id_token_hint").isEmpty() || !postLogoutRedirectUri.equals(target)) {
                return errors.page("erreur.post_logout_redirect_uri", HttpStatus.BAD_REQUEST);
            }
            UriComponentsBuilder back = UriComponentsBuilder.fromUriString(target);
            request.queryParam("state").ifPresent(state -> back.queryParam("state", state));
            return ServerResponse.seeOther(back.encode().build().toUri()).build();
        }

        private String sign(JWTClaimsSet claims) {
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT).build(), claims);
                jwt.sign(new ECDSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException("signing failed", e);
            }
        }

        private void purge() {
            Instant now = clock.instant();
            interactions.values().removeIf(i -> i.expiresAt().isBefore(now));
            codes.values().removeIf(g -> g.expiresAt().isBefore(now));
            tokens.values().removeIf(a -> a.expiresAt().isBefore(now));
        }

        private static String @Nullable [] basic(@Nullable String header) {
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return null;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        }

        private static Mono<ServerResponse> error(HttpStatus status, String code) {
            return json(status, ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8));
        }

        private static Mono<ServerResponse> json(HttpStatus status, byte[] body) {
            return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                    .bodyValue(body);
        }
    }

}
