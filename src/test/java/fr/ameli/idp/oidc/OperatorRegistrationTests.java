package fr.ameli.idp.oidc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.OperatorApi;
import fr.ameli.idp.TestBrowser;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The operator API takes every FranceConnect+ setting ({@code PUT /operator/clients/{id}} with the RFC names), and each
 * takes effect over real HTTP, with the Nimbus SDK as the relying party (its own keys): PAR required, DPoP-bound
 * tokens, the FAPI profile, encrypted ID token and userinfo, back-channel logout (WireMock as its endpoint).
 */
@IdpIntegrationTest
class OperatorRegistrationTests {

    static final String CLIENT = "rp-operator-fcplus";

    @LocalServerPort
    int port;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    @Autowired
    DatabaseClient db;

    OidcTestClient rp;
    WireMockServer rpServer;
    ECKey signingKey;
    RSAKey encryptionKey;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        rpServer = new WireMockServer(options().dynamicPort());
        rpServer.start();
        rpServer.stubFor(post(urlEqualTo("/logout")).willReturn(aResponse().withStatus(200)));
        signingKey = new ECKeyGenerator(Curve.P_256).keyID("op-sig").keyUse(KeyUse.SIGNATURE).generate();
        encryptionKey = new RSAKeyGenerator(2048).keyID("op-enc").keyUse(KeyUse.ENCRYPTION).generate();
    }

    @AfterEach
    void tearDown() {
        rpServer.stop();
        db.sql("update relying_party set backchannel_logout_uri = null, backchannel_logout_session_required = false "
                + "where client_id = :id").bind("id", CLIENT).then().block();
    }

    @Test
    void putClientWhenEveryFranceConnectPlusFieldIsSentThenEachTakesEffect() throws Exception {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("client_name", "FranceConnect+ par l'API (test)");
        metadata.put("redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT));
        metadata.put("token_endpoint_auth_method", "private_key_jwt");
        metadata.put("jwks", new JWKSet(List.of(signingKey.toPublicJWK(), encryptionKey.toPublicJWK())).toJSONObject());
        metadata.put("scope", "openid identite_pivot");
        metadata.put("id_token_signed_response_alg", "ES256");
        metadata.put("id_token_encrypted_response_alg", "RSA-OAEP-256");
        metadata.put("id_token_encrypted_response_enc", "A256GCM");
        metadata.put("userinfo_encrypted_response_alg", "RSA-OAEP-256");
        metadata.put("userinfo_encrypted_response_enc", "A256GCM");
        metadata.put("require_pushed_authorization_requests", true);
        metadata.put("dpop_bound_access_tokens", true);
        metadata.put("fapi", true);
        metadata.put("backchannel_logout_uri", "http://localhost:" + rpServer.port() + "/logout");
        metadata.put("backchannel_logout_session_required", true);
        OperatorApi.client(operatorPort).put().uri("/operator/clients/" + CLIENT)
                .header("Content-Type", "application/json").bodyValue(metadata)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.client_id").isEqualTo(CLIENT);

        // Stored as sent: every replica reloads the registration from these columns.
        Map<String, Object> stored = db.sql("select require_pushed_authorization_requests, dpop_bound_access_tokens, fapi, "
                        + "id_token_enc_alg, userinfo_enc_alg, backchannel_logout_uri, backchannel_logout_session_required "
                        + "from relying_party where client_id = :id").bind("id", CLIENT).fetch().one().block();
        assertThat(stored).containsEntry("require_pushed_authorization_requests", true)
                .containsEntry("dpop_bound_access_tokens", true).containsEntry("fapi", true)
                .containsEntry("id_token_enc_alg", "RSA-OAEP-256").containsEntry("userinfo_enc_alg", "RSA-OAEP-256")
                .containsEntry("backchannel_logout_uri", "http://localhost:" + rpServer.port() + "/logout")
                .containsEntry("backchannel_logout_session_required", true);

        // PAR required: a plain authorization request is refused.
        OidcTestClient.Started auth = rp.authorizationRequest(CLIENT, OidcTestClient.DEMO_REDIRECT, "openid identite_pivot", null);
        assertThat(rp.browser.get(auth.uri().toString()).query("error")).isEqualTo("invalid_request");
        HTTPResponse pushed = OidcTestClient.timed(new PushedAuthorizationRequest(rp.metadata.getPushedAuthorizationRequestEndpointURI(),
                assertion(URI.create(rp.base)), AuthenticationRequest.parse(auth.uri())).toHTTPRequest()).send();
        assertThat(pushed.getStatusCode()).as(pushed.getBody()).isEqualTo(201);
        URI requestUri = PushedAuthorizationResponse.parse(pushed).toSuccessResponse().getRequestURI();
        TestBrowser.Response first = rp.browser.get("/authorize?client_id=" + CLIENT + "&request_uri="
                + URLEncoder.encode(requestUri.toString(), StandardCharsets.UTF_8));
        TestBrowser.Response next = first.location().getPath().equals("/login")
                ? rp.login(first, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD) : first;
        TestBrowser.Response callback = next.location().getPath().equals("/consent") ? rp.consent(next) : next;
        String code = callback.query("code");
        assertThat(code).isNotNull();

        // DPoP-bound tokens: no proof, refused; with a proof, a DPoP token.
        HTTPResponse withoutProof = token(code, auth, null);
        assertThat(withoutProof.getBodyAsJSONObject().get("error")).isEqualTo("invalid_dpop_proof");
        Nonce nonce = new Nonce(withoutProof.getHeaderValue("DPoP-Nonce"));
        DefaultDPoPProofFactory proofs = new DefaultDPoPProofFactory(signingKey, JWSAlgorithm.ES256);
        HTTPResponse tokens = token(code, auth, proofs.createDPoPJWT("POST", rp.metadata.getTokenEndpointURI(), nonce));
        assertThat(tokens.getStatusCode()).as(tokens.getBody()).isEqualTo(200);
        assertThat(tokens.getBodyAsJSONObject().get("token_type")).isEqualTo("DPoP");

        // Encrypted ID token, to the RP's key: decrypted with its private part, then verified against our JWKS.
        EncryptedJWT idToken = EncryptedJWT.parse((String) tokens.getBodyAsJSONObject().get("id_token"));
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.RSA_OAEP_256);
        assertThat(idToken.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
        assertThat(idToken.getHeader().getKeyID()).isEqualTo("op-enc");
        idToken.decrypt(new RSADecrypter(encryptionKey));
        SignedJWT signedIdToken = idToken.getPayload().toSignedJWT();
        JWTClaimsSet idClaims = verified(signedIdToken);
        assertThat(idClaims.getStringClaim("sid")).isNotBlank();

        // Encrypted userinfo, with the DPoP proof its bound token needs.
        DPoPAccessToken accessToken = new DPoPAccessToken((String) tokens.getBodyAsJSONObject().get("access_token"));
        HTTPRequest userinfoRequest = new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(), accessToken).toHTTPRequest();
        userinfoRequest.setDPoP(proofs.createDPoPJWT("GET", rp.metadata.getUserInfoEndpointURI(), accessToken, nonce));
        HTTPResponse userinfo = OidcTestClient.timed(userinfoRequest).send();
        assertThat(userinfo.getStatusCode()).as(userinfo.getBody()).isEqualTo(200);
        EncryptedJWT userinfoJwe = EncryptedJWT.parse(userinfo.getBody());
        userinfoJwe.decrypt(new RSADecrypter(encryptionKey));
        assertThat(verified(userinfoJwe.getPayload().toSignedJWT()).getSubject()).isEqualTo(idClaims.getSubject());

        // Back-channel logout: the RP-initiated logout with the (decrypted) ID token tells the RP's endpoint.
        TestBrowser.Response out = rp.browser.get("/logout?id_token_hint=" + signedIdToken.serialize() + "&client_id=" + CLIENT);
        assertThat(out.status()).isEqualTo(HttpStatus.OK);
        LoggedRequest delivered = await().atMost(Duration.ofSeconds(15)).until(
                () -> rpServer.findAll(postRequestedFor(urlEqualTo("/logout"))), list -> !list.isEmpty()).get(0);
        LogoutTokenClaimsSet logout = rp.logoutToken(delivered, CLIENT);
        assertThat(logout.getSubject().getValue()).isEqualTo(idClaims.getSubject());
        assertThat(logout.getSessionID().getValue()).isEqualTo(idClaims.getStringClaim("sid"));
    }

    @Test
    void putClientWhenBackchannelSettingsAreInvalidThenRefused() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("redirect_uris", List.of(OidcTestClient.DEMO_REDIRECT));
        metadata.put("token_endpoint_auth_method", "client_secret_basic");
        metadata.put("client_secret_sha256", OidcFlowTests.sha256("rp-operator-bad-0123456789abcdef0123456789"));
        metadata.put("scope", "openid");
        metadata.put("backchannel_logout_uri", "http://rp.example/logout");
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-operator-bad")
                .header("Content-Type", "application/json").bodyValue(metadata)
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error").isEqualTo("invalid_client_metadata");
        metadata.put("backchannel_logout_uri", "https://rp.example/logout#fragment");
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-operator-bad")
                .header("Content-Type", "application/json").bodyValue(metadata)
                .exchange().expectStatus().isBadRequest();
        metadata.remove("backchannel_logout_uri");
        metadata.put("backchannel_logout_session_required", true);
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-operator-bad")
                .header("Content-Type", "application/json").bodyValue(metadata)
                .exchange().expectStatus().isBadRequest();
    }

    private PrivateKeyJWT assertion(URI audience) throws Exception {
        return new PrivateKeyJWT(new ClientID(CLIENT), audience, JWSAlgorithm.ES256, signingKey.toECPrivateKey(),
                signingKey.getKeyID(), null);
    }

    private HTTPResponse token(String code, OidcTestClient.Started auth, SignedJWT proof) throws Exception {
        HTTPRequest request = new TokenRequest(rp.metadata.getTokenEndpointURI(), assertion(rp.metadata.getTokenEndpointURI()),
                new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(OidcTestClient.DEMO_REDIRECT), auth.verifier()))
                .toHTTPRequest();
        if (proof != null) {
            request.setDPoP(proof);
        }
        return OidcTestClient.timed(request).send();
    }

    /** A JWT signed by the provider (its JWKS), for this client. */
    private JWTClaimsSet verified(SignedJWT jwt) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(JWKSet.load(rp.metadata.getJWKSetURI().toURL()))));
        JWTClaimsSet claims = processor.process(jwt, null);
        assertThat(claims.getIssuer()).isEqualTo(rp.base);
        assertThat(claims.getAudience()).containsExactly(CLIENT);
        return claims;
    }
}
