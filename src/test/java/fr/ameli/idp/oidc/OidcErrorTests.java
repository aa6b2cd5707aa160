package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.client.RelyingParty;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

/** Each way a relying party or an attacker can get a request wrong, with the exact error it earns. */
@IdpIntegrationTest
class OidcErrorTests {

    static final String JWT_CLIENT = "rp-private-key-jwt";
    static final String JWT_REDIRECT = "https://retraite.example/cb";
    static RSAKey clientKey;

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Autowired
    RelyingParties relyingParties;

    @Autowired
    MutableClock clock;

    OidcTestClient rp;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        if (clientKey == null) {
            clientKey = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
        }
        relyingParties.register(new ClientProperties(JWT_CLIENT, "Retraite (test)", null, List.of("private_key_jwt"),
                List.of(JWT_REDIRECT), List.of(), List.of("openid", "profile"), "ES256", null, "retraite.example",
                new JWKSet(clientKey.toPublicJWK()).toString(), false), "test").block();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    // --- authorization endpoint -------------------------------------------------------------------

    @Test
    void authorizeWhenRedirectUriNotRegisteredThenFrenchPageAndNoRedirect() {
        String uri = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, "http://localhost:9876/other", "openid", null)
                .uri().toString();
        TestBrowser.Response response = rp.browser.get(uri);
        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.location()).isNull();
        assertThat(response.body()).contains("adresse de retour demandée par le site n&#39;est pas autorisée");
    }

    @Test
    void authorizeWhenClientUnknownThenFrenchPage() {
        String uri = rp.authorizationRequest("nobody", OidcTestClient.DEMO_REDIRECT, "openid", null).uri().toString();
        TestBrowser.Response response = rp.browser.get(uri);
        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(response.location()).isNull();
    }

    @Test
    void authorizeWhenNonceMissingThenInvalidRequestToClientWithState() {
        TestBrowser.Response response = rp.browser.get(replace(standard(), "nonce", null));
        assertRedirectError(response, "invalid_request", true);
    }

    @Test
    void authorizeWhenNonceShorterThan22ThenInvalidRequest() {
        assertRedirectError(rp.browser.get(replace(standard(), "nonce", "0123456789abcdef")), "invalid_request", true);
        assertThat(rp.browser.get(replace(standard(), "nonce", "0123456789abcdef012345")).location().getPath())
                .as("22 characters are enough").isEqualTo("/login");
    }

    @Test
    void authorizeWhenStateMissingThenInvalidRequestWithoutState() {
        assertRedirectError(rp.browser.get(replace(standard(), "state", null)), "invalid_request", false);
    }

    @Test
    void authorizeWhenResponseTypeTokenThenUnsupportedResponseType() {
        assertRedirectError(rp.browser.get(replace(standard(), "response_type", "token")), "unsupported_response_type", true);
    }

    @Test
    void authorizeWhenScopeWithoutOpenidThenInvalidScope() {
        assertRedirectError(rp.browser.get(replace(standard(), "scope", "profile")), "invalid_scope", true);
    }

    @Test
    void authorizeWhenParameterRepeatedThenInvalidRequest() {
        TestBrowser.Response response = rp.browser.get(standard() + "&scope=openid");
        assertThat(response.status()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void authorizeWhenPlainPkceThenInvalidRequest() {
        assertRedirectError(rp.browser.get(replace(standard(), "code_challenge_method", "plain")), "invalid_request", true);
    }

    @Test
    void authorizeWhenPromptNoneWithoutSessionThenLoginRequired() {
        String uri = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid", "none")
                .uri().toString();
        assertRedirectError(rp.browser.get(uri), "login_required", true);
    }

    @Test
    void authorizeWhenUnsupportedAcrThenInvalidRequest() {
        assertRedirectError(rp.browser.get(replace(standard(), "acr_values", "eidas3")), "invalid_request", true);
    }

    // --- token endpoint ---------------------------------------------------------------------------

    @Test
    void tokenWhenPkceVerifierWrongThenInvalidGrant() throws Exception {
        Code code = code();
        assertTokenError(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), new CodeVerifier()),
                "invalid_grant");
    }

    @Test
    void tokenWhenCodeExpiredThenInvalidGrant() throws Exception {
        Code code = code();
        clock.advance(Duration.ofSeconds(31));
        assertTokenError(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier),
                "invalid_grant");
    }

    @Test
    void tokenWhenCodeReplayedThenInvalidGrantAndFirstTokensRevoked() throws Exception {
        Code code = code();
        OIDCTokenResponse first = success(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier));
        assertThat(userinfoStatus(first)).isEqualTo(200);

        assertTokenError(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier),
                "invalid_grant");
        assertThat(userinfoStatus(first)).as("tokens of the first use are revoked").isEqualTo(401);
    }

    @Test
    void tokenWhenRedirectUriDiffersThenInvalidGrant() throws Exception {
        Code code = code();
        assertTokenError(rp.token(code.value, demoAuth(), URI.create("http://localhost:9876/other"), code.verifier),
                "invalid_grant");
    }

    @Test
    void tokenWhenClientSecretWrongThenInvalidClient() throws Exception {
        Code code = code();
        HTTPResponse response = rp.token(code.value, new ClientSecretBasic(new ClientID(OidcTestClient.DEMO_CLIENT),
                new Secret("wrong-secret-0123456789abcdef0123456789")), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier);
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertTokenError(response, "invalid_client");
        assertThat(response.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
    }

    @Test
    void tokenWhenPrivateKeyJwtThenIssuedAndReplayedJtiRefused() throws Exception {
        Code code = code(JWT_CLIENT, JWT_REDIRECT);
        PrivateKeyJWT assertion = new PrivateKeyJWT(new ClientID(JWT_CLIENT), rp.metadata.getTokenEndpointURI(),
                JWSAlgorithm.RS256, clientKey.toPrivateKey(), clientKey.getKeyID(), null);
        OIDCTokenResponse tokens = success(rp.token(code.value, assertion, URI.create(JWT_REDIRECT), code.verifier));
        SignedJWT idToken = (SignedJWT) tokens.getOIDCTokens().getIDToken();
        assertThat(idToken.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);

        Code second = code(JWT_CLIENT, JWT_REDIRECT);
        HTTPResponse replay = rp.token(second.value, assertion, URI.create(JWT_REDIRECT), second.verifier);
        assertTokenError(replay, "invalid_client");
    }

    @Test
    void tokenWhenGrantTypeUnsupportedThenError() throws Exception {
        com.nimbusds.oauth2.sdk.http.HTTPRequest request = new com.nimbusds.oauth2.sdk.http.HTTPRequest(
                com.nimbusds.oauth2.sdk.http.HTTPRequest.Method.POST, rp.metadata.getTokenEndpointURI());
        request.setContentType("application/x-www-form-urlencoded");
        request.setAuthorization(demoAuth().toHTTPAuthorizationHeader());
        request.setBody("grant_type=client_credentials");
        assertTokenError(OidcTestClient.timed(request).send(), "unsupported_grant_type");
    }

    // --- tokens and userinfo ----------------------------------------------------------------------

    @Test
    void idTokenWhenIssuedThenNeverAlgNone() throws Exception {
        Code code = code();
        OIDCTokenResponse tokens = success(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier));
        assertThat(tokens.getOIDCTokens().getIDToken()).isInstanceOf(SignedJWT.class);
        assertThat(tokens.getOIDCTokens().getIDToken().getHeader().getAlgorithm().getName()).isIn("ES256", "RS256");
        assertThatThrownBy(() -> RelyingParty.from(new ClientProperties("rp-none", null,
                OidcFlowTests.sha256("x".repeat(40)), null, List.of("https://a.example/cb"), null, List.of("openid"),
                "none", null, null, null, null))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void userinfoWhenTokenExpiredThenInvalidToken() throws Exception {
        Code code = code();
        OIDCTokenResponse tokens = success(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier));
        clock.advance(Duration.ofSeconds(61));
        HTTPResponse response = OidcTestClient.timed(new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest()).send();
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeaderValue("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void userinfoWhenTokenRevokedThenInvalidToken() throws Exception {
        Code code = code();
        OIDCTokenResponse tokens = success(rp.token(code.value, demoAuth(), URI.create(OidcTestClient.DEMO_REDIRECT), code.verifier));
        HTTPResponse revoke = OidcTestClient.timed(new com.nimbusds.oauth2.sdk.TokenRevocationRequest(rp.metadata.getRevocationEndpointURI(),
                demoAuth(), tokens.getOIDCTokens().getAccessToken()).toHTTPRequest()).send();
        assertThat(revoke.getStatusCode()).isEqualTo(200);
        assertThat(userinfoStatus(tokens)).isEqualTo(401);
    }

    @Test
    void userinfoWhenNoTokenThenUnauthorized() throws Exception {
        com.nimbusds.oauth2.sdk.http.HTTPRequest request = new com.nimbusds.oauth2.sdk.http.HTTPRequest(
                com.nimbusds.oauth2.sdk.http.HTTPRequest.Method.GET, rp.metadata.getUserInfoEndpointURI());
        assertThat(OidcTestClient.timed(request).send().getStatusCode()).isEqualTo(401);
    }

    // --- helpers ----------------------------------------------------------------------------------

    record Code(String value, CodeVerifier verifier) {
    }

    private Code code() {
        return code(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT);
    }

    /** Logs person 1 in (once per browser) and returns a fresh code for the client. */
    private Code code(String clientId, String redirectUri) {
        OidcTestClient.Started auth = rp.authorizationRequest(clientId, redirectUri, "openid profile", null);
        TestBrowser.Response next = rp.browser.get(auth.uri().toString());
        if ("/login".equals(next.location().getPath())) {
            next = rp.login(next, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        }
        if ("/consent".equals(next.location().getPath())) {
            next = rp.consent(next);
        }
        assertThat(next.location().toString()).startsWith(redirectUri + "?code=");
        return new Code(next.query("code"), auth.verifier());
    }

    private String standard() {
        return rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid", null)
                .uri().toString();
    }

    private static String replace(String uri, String name, String value) {
        String replaced = uri.replaceAll("([?&])" + name + "=[^&]*&?", "$1").replaceAll("[&?]$", "");
        return value == null ? replaced : replaced + "&" + name + "=" + value;
    }

    private static void assertRedirectError(TestBrowser.Response response, String error, boolean withState) {
        assertThat(response.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(response.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?");
        assertThat(response.query("error")).isEqualTo(error);
        assertThat(response.query("iss")).isNotBlank();
        if (withState) {
            assertThat(response.query("state")).isNotBlank();
        } else {
            assertThat(response.query("state")).isNull();
        }
    }

    private static void assertTokenError(HTTPResponse response, String error) throws Exception {
        TokenResponse parsed = OIDCTokenResponseParser.parse(response);
        assertThat(parsed.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) parsed).getErrorObject().getCode()).isEqualTo(error);
        assertThat(response.getHeaderValue("Cache-Control")).contains("no-store");
    }

    private static OIDCTokenResponse success(HTTPResponse response) throws Exception {
        TokenResponse parsed = OIDCTokenResponseParser.parse(response);
        assertThat(parsed.indicatesSuccess()).as(response::getBody).isTrue();
        return (OIDCTokenResponse) parsed.toSuccessResponse();
    }

    private int userinfoStatus(OIDCTokenResponse tokens) throws Exception {
        return OidcTestClient.timed(new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(), tokens.getOIDCTokens().getBearerAccessToken())
                .toHTTPRequest()).send().getStatusCode();
    }

    private static ClientSecretBasic demoAuth() {
        return new ClientSecretBasic(new ClientID(OidcTestClient.DEMO_CLIENT), new Secret(OidcTestClient.DEMO_SECRET));
    }
}
