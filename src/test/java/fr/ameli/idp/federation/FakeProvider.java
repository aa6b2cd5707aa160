package fr.ameli.idp.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A FranceConnect-like provider simulated with WireMock on a dynamic port: discovery, JWKS, token, userinfo
 * and end-session. Tokens are signed with Nimbus test keys (ES256, RS256, or HS256 with the client secret);
 * the ID token is stubbed per test, once the test has read the nonce from our redirect.
 */
final class FakeProvider {

    static final String CLIENT_ID = "ameli-test-client";
    static final String CLIENT_SECRET = "test-federation-secret-0123456789abcdef";
    static final String ACCESS_TOKEN = "provider-access-token-0123456789";

    final WireMockServer server = new WireMockServer(options().dynamicPort());
    /** The last ID token a test stubbed (what our logout must send back as id_token_hint). */
    volatile String lastIdToken;
    final ECKey es256;
    final RSAKey rs256;

    FakeProvider() {
        try {
            es256 = new ECKeyGenerator(Curve.P_256).keyID("es-key-1").keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
            rs256 = new RSAKeyGenerator(2048).keyID("rs-key-1").keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop();
    }

    /** Forgets every stub and request, then serves the discovery document and the JWKS with both test keys. */
    void reset() {
        server.resetAll();
        stubDiscovery(issuer(), issuer() + "/token");
        stubJwks(es256, rs256);
    }

    String issuer() {
        return server.baseUrl();
    }

    /**
     * Our registration at this provider: timeouts of 2 s so that slow answers (2.5 s in the tests) fail quickly,
     * while a loaded CI machine (two builds on two cores) still answers the normal ones in time.
     */
    ProviderConfig config(JWSAlgorithm alg, ProviderConfig.UserinfoFormat format) {
        return new ProviderConfig(issuer(), CLIENT_ID, CLIENT_SECRET,
                List.of("openid", "given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry", "email"),
                List.of("eidas1"), ProviderConfig.TokenAuth.CLIENT_SECRET_POST, alg, format, alg, Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofHours(1));
    }

    void stubDiscovery(String issuer, String tokenEndpoint) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", issuer);
        doc.put("authorization_endpoint", issuer() + "/authorize");
        doc.put("token_endpoint", tokenEndpoint);
        doc.put("userinfo_endpoint", issuer() + "/userinfo");
        doc.put("jwks_uri", issuer() + "/jwks");
        doc.put("end_session_endpoint", issuer() + "/session/end");
        doc.put("id_token_signing_alg_values_supported", List.of("ES256", "RS256"));
        server.stubFor(get(urlEqualTo("/.well-known/openid-configuration")).willReturn(json(doc)));
    }

    void stubJwks(JWK... keys) {
        server.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()).toString())));
    }

    void stubToken(String idToken) {
        stubToken(json(Map.of("access_token", ACCESS_TOKEN, "token_type", "Bearer", "expires_in", 60, "id_token", idToken,
                "scope", "openid")));
    }

    void stubToken(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo("/token")).willReturn(response));
    }

    void stubUserinfoJwt(String jwt) {
        stubUserinfo(aResponse().withStatus(200).withHeader("Content-Type", "application/jwt").withBody(jwt));
    }

    void stubUserinfoJson(Map<String, Object> claims) {
        stubUserinfo(json(claims));
    }

    void stubUserinfo(ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo("/userinfo")).willReturn(response));
    }

    /** A valid ID token's claims for our client: a test then breaks one of them. */
    JWTClaimsSet.Builder idToken(String sub, String nonce) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).audience(CLIENT_ID).subject(sub)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)))
                .claim("nonce", nonce).claim("acr", "eidas1").claim("amr", List.of("pwd"));
    }

    /** Signed userinfo claims (FranceConnect: the claims plus iss, aud, iat, exp). */
    JWTClaimsSet.Builder userinfo(Map<String, Object> claims) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(issuer()).audience(CLIENT_ID)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(60)));
        claims.forEach(builder::claim);
        return builder;
    }

    String sign(JWTClaimsSet.Builder claims, JWSAlgorithm alg) {
        return sign(claims, alg, JWSAlgorithm.ES256.equals(alg) ? es256 : rs256);
    }

    /** Signed with {@code key} (under its own kid); HS256 uses the client secret (FranceConnect v1 legacy). */
    String sign(JWTClaimsSet.Builder claims, JWSAlgorithm alg, JWK key) {
        try {
            JWSHeader.Builder header = new JWSHeader.Builder(alg).type(JOSEObjectType.JWT);
            if (!JWSAlgorithm.HS256.equals(alg)) {
                header.keyID(key.getKeyID());
            }
            SignedJWT jwt = new SignedJWT(header.build(), claims.build());
            if (JWSAlgorithm.HS256.equals(alg)) {
                jwt.sign(new MACSigner(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8)));
            } else if (key instanceof ECKey ec) {
                jwt.sign(new ECDSASigner(ec));
            } else {
                jwt.sign(new RSASSASigner((RSAKey) key));
            }
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unsigned(JWTClaimsSet.Builder claims) {
        return new PlainJWT(claims.build()).serialize();
    }

    /** The identity pivot of person 3 (DEMO-DATA.md), exactly. */
    static Map<String, Object> person3(String sub) {
        return pivot(sub, "Jean-Pierre Louis", "DUPONT", "1979-06-21", "male", "13055", "99100");
    }

    static Map<String, Object> person1(String sub) {
        return pivot(sub, "Claire Anne", "MARTIN", "1985-05-14", "female", "75112", "99100");
    }

    static Map<String, Object> pivot(String sub, String given, String family, String birthdate, String gender,
            String birthplace, String birthcountry) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", sub);
        claims.put("given_name", given);
        claims.put("family_name", family);
        claims.put("birthdate", birthdate);
        claims.put("gender", gender);
        claims.put("birthplace", birthplace);
        claims.put("birthcountry", birthcountry);
        claims.put("email", "someone@example.fr");
        return claims;
    }

    /** The form parameters of the last token request this provider received. */
    Map<String, String> lastTokenRequest() {
        List<LoggedRequest> requests = server.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/token")));
        String body = requests.get(requests.size() - 1).getBodyAsString();
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
    }

    LoggedRequest lastRequest(String path) {
        List<LoggedRequest> requests = server.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .anyRequestedFor(urlPathEqualTo(path)));
        return requests.get(requests.size() - 1);
    }

    int requestCount(String path) {
        return server.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathEqualTo(path))).size();
    }

    static ResponseDefinitionBuilder json(Map<String, Object> body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(JSONObjectUtils.toJSONString(body));
    }

    /** A local port nothing listens on: "unreachable". */
    static int deadPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
