package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import fr.ameli.idp.TestBrowser;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A relying party written with the Nimbus OAuth 2.0 / OIDC SDK (a stack independent of the provider's
 * handlers), plus a person's browser. Used by the flow tests to drive the provider over real HTTP.
 */
final class OidcTestClient {

    static final String DEMO_CLIENT = "demo-rp";
    static final String DEMO_SECRET = "demo-rp-secret-0123456789abcdef0123456789";
    static final String DEMO_REDIRECT = "http://localhost:9876/callback";
    static final String MARTIN_NIR = "2 85 05 75 112 034 96";
    static final String MARTIN_PASSWORD = "Ameli-Demo-2026";

    final OIDCProviderMetadata metadata;
    final TestBrowser browser;
    final String base;

    OidcTestClient(int port) throws Exception {
        this.base = "http://localhost:" + port;
        this.metadata = OIDCProviderMetadata.resolve(new Issuer(base), 5_000, 15_000);
        this.browser = new TestBrowser(port);
    }

    record Started(State state, Nonce nonce, CodeVerifier verifier, URI uri) {
    }

    Started authorizationRequest(String clientId, String redirectUri, String scope, String prompt) {
        try {
            return buildRequest(clientId, redirectUri, scope, prompt);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Started buildRequest(String clientId, String redirectUri, String scope, String prompt)
            throws com.nimbusds.oauth2.sdk.ParseException {
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(new ResponseType("code"),
                Scope.parse(scope), new ClientID(clientId), URI.create(redirectUri))
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .acrValues(List.of(new ACR("eidas1")))
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .customParameter("claims", "{\"id_token\":{\"amr\":{\"essential\":true}}}");
        if (prompt != null) {
            request.prompt(com.nimbusds.openid.connect.sdk.Prompt.parse(prompt));
        }
        return new Started(state, nonce, verifier, request.build().toURI());
    }

    /** Login as a person on the page the authorization request led to; returns the response to the login POST. */
    TestBrowser.Response login(TestBrowser.Response loginRedirect, String nir, String password) {
        assertThat(loginRedirect.location().getPath()).isEqualTo("/login");
        TestBrowser.Response page = browser.follow(loginRedirect);
        assertThat(page.body()).contains("<label for=\"nir\"").contains("<label for=\"password\"");
        return browser.post("/login", Map.of("nir", nir, "password", password, "auth", loginRedirect.query("auth")));
    }

    TestBrowser.Response consent(TestBrowser.Response consentRedirect) {
        assertThat(consentRedirect.location().getPath()).isEqualTo("/consent");
        browser.follow(consentRedirect);
        return browser.post("/consent", Map.of("auth", consentRedirect.query("auth"), "decision", "accepter"));
    }

    HTTPResponse token(String code, ClientAuthentication auth, URI redirectUri, CodeVerifier verifier) throws Exception {
        return timed(new TokenRequest(metadata.getTokenEndpointURI(), auth,
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier)).toHTTPRequest()).send();
    }

    /** A browser-less caller authenticated as the demo RP ({@code client_secret_basic}), for the token endpoint. */
    static TestBrowser demoBackChannel(int port) {
        return new TestBrowser(port).header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                (DEMO_CLIENT + ":" + DEMO_SECRET).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The demo RP exchanges the code of {@code callback} (the redirect to it) at the token endpoint, as a form. */
    static TestBrowser.Response demoCodeExchange(TestBrowser backChannel, TestBrowser.Response callback, Started request) {
        return backChannel.post("/token", Map.of("grant_type", "authorization_code", "code", callback.query("code"),
                "redirect_uri", DEMO_REDIRECT, "code_verifier", request.verifier().getValue()));
    }

    /** The access token of a token response's JSON body. */
    static String accessToken(TestBrowser.Response tokens) {
        try {
            return (String) com.nimbusds.jose.util.JSONObjectUtils.parse(tokens.body()).get("access_token");
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /** Nimbus waits forever by default: a lost response must fail the test, not hang it. */
    static com.nimbusds.oauth2.sdk.http.HTTPRequest timed(com.nimbusds.oauth2.sdk.http.HTTPRequest request) {
        request.setConnectTimeout(5_000);
        request.setReadTimeout(15_000);
        return request;
    }

    /** What a relying party keeps from a login: the signed ID token, its {@code sub} and its {@code sid}. */
    record SignedIn(String idToken, String sub, String sid) {
    }

    /**
     * The person logs in through {@code clientId} on this client's browser (or is signed in at once by the browser's
     * session: SSO), consenting when asked; the RP exchanges the code ({@code client_secret_basic}, redirect URI
     * {@link #DEMO_REDIRECT}) and validates the ID token against the provider's JWKS.
     */
    SignedIn signIn(String clientId, String secret, String nir, String password) throws Exception {
        Started auth = authorizationRequest(clientId, DEMO_REDIRECT, "openid", null);
        TestBrowser.Response next = browser.get(auth.uri().toString());
        if ("/login".equals(next.location().getPath())) {
            next = login(next, nir, password);
        }
        if ("/consent".equals(next.location().getPath())) {
            next = consent(next);
        }
        assertThat(next.location().toString()).startsWith(DEMO_REDIRECT + "?code=");
        TokenResponse response = OIDCTokenResponseParser.parse(token(next.query("code"),
                new ClientSecretBasic(new ClientID(clientId), new Secret(secret)), URI.create(DEMO_REDIRECT), auth.verifier()));
        assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString()).isTrue();
        com.nimbusds.jwt.JWT idToken = ((com.nimbusds.openid.connect.sdk.OIDCTokenResponse) response.toSuccessResponse())
                .getOIDCTokens().getIDToken();
        com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet claims = new com.nimbusds.openid.connect.sdk.validators
                .IDTokenValidator(new Issuer(base), new ClientID(clientId), com.nimbusds.jose.JWSAlgorithm.ES256,
                        metadata.getJWKSetURI().toURL()).validate(idToken, auth.nonce());
        return new SignedIn(idToken.serialize(), claims.getSubject().getValue(), claims.getStringClaim("sid"));
    }

    TokenResponse demoToken(String code, CodeVerifier verifier) throws Exception {
        return OIDCTokenResponseParser.parse(token(code, new ClientSecretBasic(new ClientID(DEMO_CLIENT),
                new Secret(DEMO_SECRET)), URI.create(DEMO_REDIRECT), verifier));
    }

    /** The logout token a relying party's back-channel endpoint received: the request's only parameter. */
    static String logoutTokenOf(com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        String body = request.getBodyAsString();
        assertThat(body).startsWith("logout_token=").doesNotContain("&");
        return java.net.URLDecoder.decode(body.substring("logout_token=".length()), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The {@code sid} of that logout token, unverified (to pick a request out of several). */
    static String sidOf(com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        try {
            return java.util.Objects.toString(com.nimbusds.jwt.SignedJWT.parse(logoutTokenOf(request)).getJWTClaimsSet()
                    .getClaim("sid"), null);
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * What a relying party does with a back-channel logout request (Back-Channel Logout 1.0 §2.6), with the Nimbus
     * SDK's validator and the provider's JWKS: a form POST, {@code typ logout+jwt}, ES256, signature, {@code iss},
     * {@code aud}, the event, {@code sub} and/or {@code sid}, no {@code nonce}; plus a {@code jti} and a short life.
     */
    com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet logoutToken(
            com.github.tomakehurst.wiremock.verification.LoggedRequest request, String clientId) throws Exception {
        assertThat(request.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(logoutTokenOf(request));
        assertThat(jwt.getHeader().getType()).isEqualTo(new com.nimbusds.jose.JOSEObjectType("logout+jwt"));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(com.nimbusds.jose.JWSAlgorithm.ES256);
        var validator = new com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator(new Issuer(base),
                new ClientID(clientId), true, new com.nimbusds.jose.proc.JWSVerificationKeySelector<>(
                        com.nimbusds.jose.JWSAlgorithm.ES256,
                        com.nimbusds.jose.jwk.source.JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).build()), null);
        var claims = validator.validate(jwt);
        assertThat(claims.getAudience()).extracting(Object::toString).containsExactly(clientId);
        assertThat(claims.getJWTID()).isNotNull();
        assertThat(jwt.getJWTClaimsSet().getClaims()).doesNotContainKey("nonce").containsKey("iat").containsKey("exp");
        assertThat(java.time.Duration.between(jwt.getJWTClaimsSet().getIssueTime().toInstant(),
                jwt.getJWTClaimsSet().getExpirationTime().toInstant())).isLessThanOrEqualTo(java.time.Duration.ofMinutes(2));
        return claims;
    }
}
