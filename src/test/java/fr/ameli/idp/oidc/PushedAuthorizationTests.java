package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.PushedAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.MutableClock;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

/** Pushed authorization requests (RFC 9126), driven by the Nimbus SDK as the relying party over real HTTP. */
@IdpIntegrationTest
class PushedAuthorizationTests {

    static final String PAR_CLIENT = "rp-par-only";
    static final String PAR_SECRET = "par-only-secret-0123456789abcdef0123456789ab";
    static final String PAR_REDIRECT = "https://par.example/callback";

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
        relyingParties.register(new ClientProperties(PAR_CLIENT, "PAR only (test)", OidcFlowTests.sha256(PAR_SECRET),
                List.of("client_secret_post"), List.of(PAR_REDIRECT), List.of(), List.of("openid", "identite_pivot"),
                "ES256", null, "par.example", null, false, null, null, null, null, null, null, true, false, null), "test").block();
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void parWhenPushedThenTheRequestUriStartsTheFlowOnceAndOnlyOnce() throws Exception {
        assertThat(rp.metadata.getPushedAuthorizationRequestEndpointURI()).isEqualTo(URI.create(rp.base + "/par"));
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null);
        PushedAuthorizationSuccessResponse pushed = push(auth, demo());
        assertThat(pushed.getLifetime()).isEqualTo(60);
        assertThat(pushed.getRequestURI().toString()).startsWith("urn:ietf:params:oauth:request_uri:");

        String authorize = authorize(OidcTestClient.DEMO_CLIENT, pushed.getRequestURI());
        TestBrowser.Response next = rp.login(rp.browser.get(authorize), OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        TestBrowser.Response callback = next.location().getPath().equals("/consent") ? rp.consent(next) : next;
        assertThat(callback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
        assertThat(callback.query("state")).isEqualTo(auth.state().getValue());
        TokenResponse tokens = rp.demoToken(callback.query("code"), auth.verifier());
        assertThat(tokens.indicatesSuccess()).isTrue();

        TestBrowser.Response again = rp.browser.get(authorize);
        assertThat(again.status()).as("a request_uri is used once").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(again.location()).isNull();
    }

    @Test
    void parWhenExpiredOrOfAnotherClientThenRefused() throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null);
        PushedAuthorizationSuccessResponse late = push(auth, demo());
        clock.advance(Duration.ofSeconds(61));
        TestBrowser.Response expired = rp.browser.get(authorize(OidcTestClient.DEMO_CLIENT, late.getRequestURI()));
        assertThat(expired.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(expired.location()).isNull();
        clock.reset();

        PushedAuthorizationSuccessResponse other = push(auth, demo());
        assertThat(rp.browser.get(authorize(PAR_CLIENT, other.getRequestURI())).status()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void parWhenClientAuthenticationOrRequestIsWrongThenJsonErrors() throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid identite_pivot", null);
        HTTPResponse wrongSecret = send(auth, new ClientSecretBasic(new ClientID(OidcTestClient.DEMO_CLIENT),
                new Secret("not-the-secret-0123456789abcdef0123456789")));
        assertThat(wrongSecret.getStatusCode()).isEqualTo(401);
        assertThat(wrongSecret.getBodyAsJSONObject().get("error")).isEqualTo("invalid_client");

        OidcTestClient.Started badRedirect = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, "https://evil.example/cb",
                "openid", null);
        HTTPResponse refused = send(badRedirect, demo());
        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(refused.getBodyAsJSONObject().get("error")).isEqualTo("invalid_request");
    }

    @Test
    void requirePushedRequestsWhenTheRpSendsAPlainRequestThenRefusedAndPushedOneAccepted() throws Exception {
        OidcTestClient.Started plain = rp.authorizationRequest(PAR_CLIENT, PAR_REDIRECT, "openid identite_pivot", null);
        TestBrowser.Response refused = rp.browser.get(plain.uri().toString());
        assertThat(refused.location().toString()).startsWith(PAR_REDIRECT + "?");
        assertThat(refused.query("error")).isEqualTo("invalid_request");

        PushedAuthorizationSuccessResponse pushed = push(plain, new ClientSecretPost(new ClientID(PAR_CLIENT), new Secret(PAR_SECRET)));
        TestBrowser.Response toLogin = rp.browser.get(authorize(PAR_CLIENT, pushed.getRequestURI()));
        assertThat(toLogin.location().getPath()).isEqualTo("/login");
    }

    private static ClientAuthentication demo() {
        return new ClientSecretBasic(new ClientID(OidcTestClient.DEMO_CLIENT), new Secret(OidcTestClient.DEMO_SECRET));
    }

    private HTTPResponse send(OidcTestClient.Started auth, ClientAuthentication client) throws Exception {
        AuthenticationRequest request = AuthenticationRequest.parse(auth.uri());
        return OidcTestClient.timed(new PushedAuthorizationRequest(rp.metadata.getPushedAuthorizationRequestEndpointURI(),
                client, request).toHTTPRequest()).send();
    }

    private PushedAuthorizationSuccessResponse push(OidcTestClient.Started auth, ClientAuthentication client) throws Exception {
        HTTPResponse response = send(auth, client);
        PushedAuthorizationResponse parsed = PushedAuthorizationResponse.parse(response);
        assertThat(parsed.indicatesSuccess()).as(response.getBody()).isTrue();
        return parsed.toSuccessResponse();
    }

    private String authorize(String clientId, URI requestUri) {
        return "/authorize?client_id=" + clientId + "&request_uri="
                + java.net.URLEncoder.encode(requestUri.toString(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
