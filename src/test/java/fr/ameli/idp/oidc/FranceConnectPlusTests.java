package fr.ameli.idp.oidc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDHDecrypter;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWEDecryptionKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.OperatorApi;
import fr.ameli.idp.SentMails;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

/**
 * FranceConnect+ features against the running service over real HTTP, with a relying party written with the
 * Nimbus SDK that decrypts with its own keys: eIDAS levels (eidas2 = the emailed code in this login), encrypted
 * ID tokens and userinfo (nested JWTs) to the RP's {@code jwks} or {@code jwks_uri}, the status URL, discovery.
 */
@IdpIntegrationTest
class FranceConnectPlusTests {

    static final String NIR = "2 91 03 44 109 077";
    static final String NIR13 = "2910344109077";
    static final String EMAIL = "eva.fcplus@example.org";
    static final String PASSWORD = "Fcplus-Demo-2026";
    static final String FCPLUS_DEMO = "demo-rp-fcplus";
    static final String FCPLUS_DEMO_SECRET = "demo-rp-fcplus-secret-0123456789abcdef01234";
    static final String URI_CLIENT = "rp-jwks-uri";
    static final String URI_SECRET = "rp-jwks-uri-secret-0123456789abcdef0123456789";
    static final String URI_REDIRECT = "https://retraite.example/callback";

    @LocalServerPort
    int port;

    @Value("${" + OperatorApi.PORT + "}")
    int operatorPort;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Autowired
    RelyingParties relyingParties;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    MutableClock clock;

    OidcTestClient rp;

    @BeforeEach
    void setUp() throws Exception {
        if (accounts.findByNir(Nir.parse(NIR)).blockOptional().isEmpty()) {
            TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(NIR13, "FCPLUS").givenNames("Eva")
                    .birthDate("1991-03-02"));
            accounts.provision(Nir.parse(NIR), AccountStatus.ACTIVE, EMAIL, hasher.hash(PASSWORD).block()).block();
        }
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, NIR13);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void discoveryAndStatusWhenFetchedThenListLevelsEncryptionAndAnswerCheaply() {
        assertThat(rp.metadata.getACRs()).extracting(Object::toString).containsExactly("eidas1", "eidas2");
        assertThat(rp.metadata.getIDTokenJWEAlgs()).containsExactlyInAnyOrder(JWEAlgorithm.RSA_OAEP_256,
                JWEAlgorithm.RSA_OAEP, JWEAlgorithm.ECDH_ES);
        assertThat(rp.metadata.getIDTokenJWEEncs()).containsExactly(EncryptionMethod.A256GCM);
        assertThat(rp.metadata.getUserInfoJWEAlgs()).containsExactlyInAnyOrder(JWEAlgorithm.RSA_OAEP_256,
                JWEAlgorithm.RSA_OAEP, JWEAlgorithm.ECDH_ES);
        assertThat(rp.metadata.getUserInfoJWEEncs()).containsExactly(EncryptionMethod.A256GCM);

        TestBrowser.Response status = rp.browser.get("/status");
        assertThat(status.status()).isEqualTo(HttpStatus.OK);
        assertThat(status.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void eidas2WhenAskedOnAKnownBrowserThenTheCodeIsAskedAndTheIdTokenSaysSo() throws Exception {
        OidcTestClient.Started auth = eidas(rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null), "eidas2");
        TestBrowser.Response toCode = rp.login(rp.browser.get(auth.uri().toString()), NIR, PASSWORD);
        assertThat(toCode.location().getPath()).as("a known browser still gets the code at eidas2").isEqualTo("/login/code");
        TestBrowser.Response callback = consentIfAsked(code(toCode));

        IDTokenClaimsSet idToken = validate(rp.demoToken(callback.query("code"), auth.verifier()), auth, OidcTestClient.DEMO_CLIENT);
        assertThat(idToken.getACR().getValue()).isEqualTo("eidas2");
        assertThat(idToken.getAMR()).extracting(Object::toString).containsExactly("pwd", "mail", "mfa");

        // The eidas2 session answers a later eidas1 request at once (SSO), and says what it is.
        OidcTestClient.Started low = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", "none");
        TestBrowser.Response sso = rp.browser.get(low.uri().toString());
        assertThat(sso.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
        assertThat(validate(rp.demoToken(sso.query("code"), low.verifier()), low, OidcTestClient.DEMO_CLIENT).getACR()
                .getValue()).isEqualTo("eidas2");
    }

    @Test
    void eidas2WhenTheSessionIsOnlyEidas1ThenNeverAnsweredWithoutTheCode() throws Exception {
        OidcTestClient.Started low = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null);
        TestBrowser.Response callback = consentIfAsked(rp.login(rp.browser.get(low.uri().toString()), NIR, PASSWORD));
        IDTokenClaimsSet lowToken = validate(rp.demoToken(callback.query("code"), low.verifier()), low, OidcTestClient.DEMO_CLIENT);
        assertThat(lowToken.getACR().getValue()).isEqualTo("eidas1");
        assertThat(lowToken.getAMR()).extracting(Object::toString).containsExactly("pwd");

        OidcTestClient.Started silent = eidas(rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", "none"), "eidas2");
        TestBrowser.Response refused = rp.browser.get(silent.uri().toString());
        assertThat(refused.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?");
        assertThat(refused.query("error")).isEqualTo("login_required");
        assertThat(refused.query("code")).isNull();

        OidcTestClient.Started high = eidas(rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null), "eidas2");
        TestBrowser.Response toLogin = rp.browser.get(high.uri().toString());
        assertThat(toLogin.location().getPath()).as("the eidas1 session does not answer").isEqualTo("/login");
        TestBrowser.Response toCode = rp.login(toLogin, NIR, PASSWORD);
        assertThat(toCode.location().getPath()).isEqualTo("/login/code");
        TestBrowser.Response highCallback = consentIfAsked(code(toCode));
        assertThat(validate(rp.demoToken(highCallback.query("code"), high.verifier()), high, OidcTestClient.DEMO_CLIENT)
                .getACR().getValue()).isEqualTo("eidas2");
    }

    @Test
    void demoFranceConnectPlusRpWhenItLogsInThenDecryptsIdTokenAndUserinfoWithItsOwnKey() throws Exception {
        RSAKey demoKey = JWK.parse(Files.readString(Path.of("config/demo/demo-rp-fcplus-private-key.jwk.json"))).toRSAKey();
        OidcTestClient.Started auth = withoutAcr(rp.authorizationRequest(FCPLUS_DEMO, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot email", null));
        TestBrowser.Response toCode = rp.login(rp.browser.get(auth.uri().toString()), NIR, PASSWORD);
        assertThat(toCode.location().getPath()).as("registered with default_acr_values eidas2").isEqualTo("/login/code");
        TestBrowser.Response callback = consentIfAsked(code(toCode));

        OIDCTokenResponse tokens = success(OIDCTokenResponseParser.parse(rp.token(callback.query("code"),
                new ClientSecretBasic(new ClientID(FCPLUS_DEMO), new Secret(FCPLUS_DEMO_SECRET)),
                URI.create(OidcTestClient.DEMO_REDIRECT), auth.verifier())));
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        assertThat(idToken).isInstanceOf(EncryptedJWT.class);
        EncryptedJWT encrypted = (EncryptedJWT) idToken;
        assertThat(encrypted.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.RSA_OAEP_256);
        assertThat(encrypted.getHeader().getEncryptionMethod()).isEqualTo(EncryptionMethod.A256GCM);
        assertThat(encrypted.getHeader().getContentType()).isEqualTo("JWT");
        assertThat(encrypted.getHeader().getKeyID()).isEqualTo("demo-rp-fcplus-enc-1");

        IDTokenValidator validator = new IDTokenValidator(new Issuer(rp.base), new ClientID(FCPLUS_DEMO),
                new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                        JWKSourceBuilder.create(rp.metadata.getJWKSetURI().toURL()).build()),
                new JWEDecryptionKeySelector<>(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM,
                        new ImmutableJWKSet<>(new JWKSet(demoKey))));
        IDTokenClaimsSet claims = validator.validate(idToken, auth.nonce());
        assertThat(claims.getACR().getValue()).isEqualTo("eidas2");

        HTTPResponse userinfo = userinfo(tokens.getOIDCTokens().getBearerAccessToken());
        assertThat(userinfo.getHeaderValue("Content-Type")).startsWith("application/jwt");
        EncryptedJWT userinfoJwe = EncryptedJWT.parse(userinfo.getBody());
        userinfoJwe.decrypt(new RSADecrypter(demoKey));
        JWTClaimsSet person = verified(userinfoJwe.getPayload().toSignedJWT(), FCPLUS_DEMO);
        assertThat(person.getSubject()).isEqualTo(claims.getSubject().getValue());
        assertThat(person.getStringClaim("given_name")).isEqualTo("Eva");
        assertThat(person.getStringClaim("email")).isEqualTo(EMAIL);
    }

    @Test
    void jwksUriWhenTheRpRotatesItsKeysThenFetchedAgainAndAnUnpublishedKeyIsNeverUsed() throws Exception {
        WireMockServer rpServer = new WireMockServer(options().dynamicPort());
        rpServer.start();
        try {
            RSAKey rsaA = new RSAKeyGenerator(2048).keyID("rsa-a").keyUse(KeyUse.ENCRYPTION).generate();
            ECKey ecA = new ECKeyGenerator(Curve.P_256).keyID("ec-a").keyUse(KeyUse.ENCRYPTION).generate();
            ECKey signing = new ECKeyGenerator(Curve.P_256).keyID("sig").keyUse(KeyUse.SIGNATURE).generate();
            publish(rpServer, rsaA.toPublicJWK(), ecA.toPublicJWK());
            // Registered through the operator API, with the RFC 7591 names.
            String jwksUri = "http://localhost:" + rpServer.port() + "/jwks";
            OperatorApi.client(operatorPort).put().uri("/operator/clients/" + URI_CLIENT)
                    .header("Content-Type", "application/json")
                    .bodyValue(Map.of("client_name", "Retraite (test)", "redirect_uris", List.of(URI_REDIRECT),
                            "token_endpoint_auth_method", "client_secret_basic", "client_secret_sha256", sha256(URI_SECRET),
                            "scope", "openid identite_pivot", "jwks_uri", jwksUri,
                            "id_token_encrypted_response_alg", "RSA-OAEP", "id_token_encrypted_response_enc", "A256GCM",
                            "userinfo_encrypted_response_alg", "ECDH-ES"))
                    .exchange().expectStatus().isOk();

            // Key A: ID token (RSA-OAEP) and userinfo (ECDH-ES) decrypt with the RP's own keys.
            OidcTestClient.Started first = rp.authorizationRequest(URI_CLIENT, URI_REDIRECT, "openid identite_pivot", null);
            TestBrowser.Response callback = consentIfAsked(rp.login(rp.browser.get(first.uri().toString()), NIR, PASSWORD));
            OIDCTokenResponse tokens = success(token(callback, first));
            EncryptedJWT idToken = (EncryptedJWT) tokens.getOIDCTokens().getIDToken();
            assertThat(idToken.getHeader().getKeyID()).isEqualTo("rsa-a");
            idToken.decrypt(new RSADecrypter(rsaA));
            String sub = verified(idToken.getPayload().toSignedJWT(), URI_CLIENT).getSubject();
            EncryptedJWT userinfo = EncryptedJWT.parse(userinfo(tokens.getOIDCTokens().getBearerAccessToken()).getBody());
            assertThat(userinfo.getHeader().getAlgorithm()).isEqualTo(JWEAlgorithm.ECDH_ES);
            userinfo.decrypt(new ECDHDecrypter(ecA));
            assertThat(verified(userinfo.getPayload().toSignedJWT(), URI_CLIENT).getSubject()).isEqualTo(sub);
            int fetches = rpServer.countRequestsMatching(getRequestedFor(urlEqualTo("/jwks")).build()).getCount();

            // The RP withdraws its encryption keys; once the cache has expired the old key is not used: refused.
            publish(rpServer, signing.toPublicJWK());
            clock.advance(Duration.ofMinutes(6));
            OidcTestClient.Started second = rp.authorizationRequest(URI_CLIENT, URI_REDIRECT, "openid identite_pivot", "none");
            TestBrowser.Response sso = rp.browser.get(second.uri().toString());
            assertThat(sso.location().toString()).startsWith(URI_REDIRECT + "?code=");
            TokenResponse refused = token(sso, second);
            assertThat(refused.indicatesSuccess()).isFalse();
            assertThat(((TokenErrorResponse) refused).getErrorObject().getCode()).isEqualTo("invalid_client");
            assertThat(rpServer.countRequestsMatching(getRequestedFor(urlEqualTo("/jwks")).build()).getCount())
                    .isGreaterThan(fetches);

            // It publishes key B: found at once (no usable key cached → fetched again); the unused code still works.
            RSAKey rsaB = new RSAKeyGenerator(2048).keyID("rsa-b").keyUse(KeyUse.ENCRYPTION).generate();
            publish(rpServer, rsaB.toPublicJWK(), signing.toPublicJWK());
            EncryptedJWT toB = (EncryptedJWT) success(token(sso, second)).getOIDCTokens().getIDToken();
            assertThat(toB.getHeader().getKeyID()).isEqualTo("rsa-b");
            EncryptedJWT copy = EncryptedJWT.parse(toB.serialize());
            assertThatThrownBy(() -> copy.decrypt(new RSADecrypter(rsaA))).as("the withdrawn key A cannot read it")
                    .isInstanceOf(com.nimbusds.jose.JOSEException.class);
            toB.decrypt(new RSADecrypter(rsaB));
            assertThat(verified(toB.getPayload().toSignedJWT(), URI_CLIENT).getSubject()).isEqualTo(sub);
        } finally {
            rpServer.stop();
        }
    }

    @Test
    void registrationWhenEncryptionIsInvalidThenRefused() {
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-bad-enc")
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("redirect_uris", List.of(URI_REDIRECT), "token_endpoint_auth_method", "client_secret_basic",
                        "client_secret_sha256", sha256(URI_SECRET), "scope", "openid",
                        "id_token_encrypted_response_alg", "RSA1_5", "jwks_uri", "https://retraite.example/jwks"))
                .exchange().expectStatus().isBadRequest();
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-bad-enc")
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("redirect_uris", List.of(URI_REDIRECT), "token_endpoint_auth_method", "client_secret_basic",
                        "client_secret_sha256", sha256(URI_SECRET), "scope", "openid",
                        "id_token_encrypted_response_alg", "RSA-OAEP"))
                .exchange().expectStatus().isBadRequest();
        OperatorApi.client(operatorPort).put().uri("/operator/clients/rp-bad-enc")
                .header("Content-Type", "application/json")
                .bodyValue(Map.of("redirect_uris", List.of(URI_REDIRECT), "token_endpoint_auth_method", "client_secret_basic",
                        "client_secret_sha256", sha256(URI_SECRET), "scope", "openid", "default_acr_values", List.of("eidas3")))
                .exchange().expectStatus().isBadRequest();
    }

    private static void publish(WireMockServer server, JWK... keys) {
        server.stubFor(get(urlEqualTo("/jwks")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody(new JWKSet(List.of(keys)).toString())));
    }

    private TokenResponse token(TestBrowser.Response callback, OidcTestClient.Started auth) throws Exception {
        return OIDCTokenResponseParser.parse(rp.token(callback.query("code"),
                new ClientSecretBasic(new ClientID(URI_CLIENT), new Secret(URI_SECRET)), URI.create(URI_REDIRECT),
                auth.verifier()));
    }

    private HTTPResponse userinfo(BearerAccessToken token) throws Exception {
        HTTPResponse response = OidcTestClient.timed(new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(), token)
                .toHTTPRequest()).send();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return response;
    }

    /** Verifies a JWT signed by the provider (its JWKS), for {@code audience}. */
    private JWTClaimsSet verified(SignedJWT jwt, String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(JWKSet.load(rp.metadata.getJWKSetURI().toURL()))));
        JWTClaimsSet claims = processor.process(jwt, null);
        assertThat(claims.getIssuer()).isEqualTo(rp.base);
        assertThat(claims.getAudience()).containsExactly(audience);
        return claims;
    }

    private static OIDCTokenResponse success(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    private IDTokenClaimsSet validate(TokenResponse response, OidcTestClient.Started auth, String clientId) throws Exception {
        IDTokenValidator validator = new IDTokenValidator(new Issuer(rp.base), new ClientID(clientId), JWSAlgorithm.ES256,
                rp.metadata.getJWKSetURI().toURL());
        return validator.validate(success(response).getOIDCTokens().getIDToken(), auth.nonce());
    }

    /** Types the code just emailed on the code page; emits where the browser is sent next. */
    private TestBrowser.Response code(TestBrowser.Response toCode) {
        rp.browser.follow(toCode);
        String code = SentMails.find(SentMails.last(EMAIL, "SECURITY_CODE"), "\\b([0-9]{6})\\b");
        return rp.browser.post("/login/code", Map.of("code", code));
    }

    private TestBrowser.Response consentIfAsked(TestBrowser.Response next) {
        return next.location().getPath().equals("/consent") ? rp.consent(next) : next;
    }

    private static OidcTestClient.Started eidas(OidcTestClient.Started started, String acr) {
        return new OidcTestClient.Started(started.state(), started.nonce(), started.verifier(),
                URI.create(started.uri().toString().replace("acr_values=eidas1", "acr_values=" + acr)));
    }

    private static OidcTestClient.Started withoutAcr(OidcTestClient.Started started) {
        return new OidcTestClient.Started(started.state(), started.nonce(), started.verifier(),
                URI.create(started.uri().toString().replace("&acr_values=eidas1", "").replace("acr_values=eidas1&", "")));
    }

    private static String sha256(String secret) {
        return OidcFlowTests.sha256(secret);
    }
}
