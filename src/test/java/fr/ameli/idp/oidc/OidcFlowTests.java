package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

/**
 * The whole OpenID Connect journey as a relying party sees it, against the running service over real
 * HTTP: discovery → authorize → login as person 1 → consent → code → token → ID token → userinfo → logout.
 */
@IdpIntegrationTest
class OidcFlowTests {

    static final String JSON_CLIENT = "rp-json-userinfo";
    static final String JSON_SECRET = "json-userinfo-secret-0123456789abcdef012345";
    static final String JSON_REDIRECT = "https://impots.example/callback";

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Autowired
    RelyingParties relyingParties;

    OidcTestClient rp;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        relyingParties.register(new ClientProperties(JSON_CLIENT, "Impôts (test)",
                sha256(JSON_SECRET), List.of("client_secret_post"), List.of(JSON_REDIRECT), List.of(),
                List.of("openid", "identite_pivot", "email"), "RS256", null, "impots.example", null, false), "test").block();
    }

    @Test
    void discoveryWhenFetchedThenListsExactlyWhatIsSupported() {
        assertThat(rp.metadata.getIssuer().getValue()).isEqualTo("http://localhost:" + port);
        assertThat(rp.metadata.getResponseTypes()).extracting(Object::toString).containsExactly("code");
        assertThat(rp.metadata.getGrantTypes()).extracting(Object::toString).containsExactly("authorization_code");
        assertThat(rp.metadata.getACRs()).extracting(Object::toString).containsExactly("eidas1", "eidas2");
        assertThat(rp.metadata.getSubjectTypes()).extracting(Object::toString).containsExactly("pairwise");
        assertThat(rp.metadata.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(rp.metadata.supportsAuthorizationResponseIssuerParam()).isTrue();
        assertThat(rp.metadata.getIDTokenJWSAlgs()).containsExactlyInAnyOrder(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
        assertThat(rp.metadata.getEndSessionEndpointURI()).isNotNull();
        assertThat(rp.metadata.getRevocationEndpointURI()).isNotNull();
    }

    @Test
    void fullFlowWhenPersonOneLogsInThenRelyingPartyReceivesHerIdentityPivot() throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid profile email birth identite_pivot", null);
        TestBrowser.Response toLogin = rp.browser.get(auth.uri().toString());
        assertThat(toLogin.status()).isEqualTo(HttpStatus.SEE_OTHER);

        TestBrowser.Response toConsent = rp.login(toLogin, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        assertThat(rp.browser.cookie("AMELI_SESSION")).isNotBlank();
        TestBrowser.Response consentPage = rp.browser.follow(toConsent);
        assertThat(consentPage.body()).contains("Vos prénoms").contains("Votre commune de naissance").contains("Votre adresse mail");
        TestBrowser.Response callback = rp.browser.post("/consent", Map.of("auth", toConsent.query("auth"), "decision", "accepter"));

        assertThat(callback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?");
        assertThat(callback.query("state")).isEqualTo(auth.state().getValue());
        assertThat(callback.query("iss")).isEqualTo("http://localhost:" + port);

        TokenResponse tokenResponse = rp.demoToken(callback.query("code"), auth.verifier());
        assertThat(tokenResponse.indicatesSuccess()).as(() -> tokenResponse.toErrorResponse().getErrorObject().toString()).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) tokenResponse.toSuccessResponse();
        assertThat(tokens.getOIDCTokens().getBearerAccessToken().getLifetime()).isEqualTo(60);
        assertThat(tokens.getOIDCTokens().getIDToken().getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);

        IDTokenValidator validator = new IDTokenValidator(new Issuer(rp.base), new ClientID(OidcTestClient.DEMO_CLIENT),
                JWSAlgorithm.ES256, rp.metadata.getJWKSetURI().toURL());
        IDTokenClaimsSet idToken = validator.validate(tokens.getOIDCTokens().getIDToken(), auth.nonce());
        assertThat(idToken.getACR().getValue()).isEqualTo("eidas1");
        assertThat(idToken.getAMR()).extracting(Object::toString).containsExactly("pwd");
        assertThat(idToken.getAuthenticationTime()).isNotNull();
        assertThat(idToken.getSubject().getValue()).doesNotContain("2850575112034").hasSize(64);

        // Userinfo: the demo RP is registered for ES256-signed userinfo.
        HTTPResponse userinfo = OidcTestClient.timed(new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest()).send();
        assertThat(userinfo.getStatusCode()).isEqualTo(200);
        assertThat(userinfo.getHeaderValue("Content-Type")).startsWith("application/jwt");
        JWTClaimsSet claims = verify(userinfo.getBody(), JWSAlgorithm.ES256);
        assertThat(claims.getIssuer()).isEqualTo(rp.base);
        assertThat(claims.getAudience()).containsExactly(OidcTestClient.DEMO_CLIENT);
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(claims.getExpirationTime()).isNotNull();
        assertThat(claims.getSubject()).isEqualTo(idToken.getSubject().getValue());
        assertThat(claims.getClaims()).containsEntry("given_name", "Claire Anne")
                .containsEntry("family_name", "MARTIN")
                .containsEntry("preferred_username", "MARTIN")
                .containsEntry("birthdate", "1985-05-14")
                .containsEntry("gender", "female")
                .containsEntry("birthplace", "75112")
                .containsEntry("birthcountry", "99100")
                .containsEntry("email", "claire.martin@example.fr");

        // RP-initiated logout ends the session and comes back with the state.
        String logoutUri = rp.metadata.getEndSessionEndpointURI() + "?id_token_hint="
                + tokens.getOIDCTokens().getIDTokenString() + "&state=bye-123&client_id=demo-rp"
                + "&post_logout_redirect_uri=http://localhost:9876/";
        TestBrowser.Response logout = rp.browser.get(logoutUri);
        assertThat(logout.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(logout.location().toString()).isEqualTo("http://localhost:9876/?state=bye-123");
        assertThat(rp.browser.cookie("AMELI_SESSION")).isNull();
    }

    /**
     * A login with a request waiting stores its session in the statement that reads the request (one round trip):
     * the row is the cookie's, with the login's facts, before the consent page and after the code.
     */
    @Test
    void loginWhenARequestWaitsThenItsSessionIsStoredWithTheCookiesHashAndTheLoginsFacts() {
        db.sql("delete from consent where client_id = :client and account_id = (select id from account where nir = :nir)")
                .bind("client", OidcTestClient.DEMO_CLIENT).bind("nir", "2850575112034").then().block();
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid profile", null);
        TestBrowser.Response toConsent = rp.login(rp.browser.get(auth.uri().toString()), OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);
        assertThat(toConsent.location().getPath()).isEqualTo("/consent");
        byte[] idHash = fr.ameli.idp.platform.Secrets.sha256(rp.browser.cookie("AMELI_SESSION"));
        String facts = "select a.nir, s.amr, s.acr, s.created_at = s.auth_time as created_at_login, "
                + "extract(epoch from s.expires_at - s.auth_time)::int as ttl, s.federation_id_token is null as local, "
                + "s.client_ids from login_session s join account a on a.id = s.account_id where s.id_hash = :id";
        Map<String, Object> stored = db.sql(facts).bind("id", idHash).fetch().one().block();
        assertThat(stored).isNotNull();
        assertThat(stored).containsEntry("nir", "2850575112034").containsEntry("acr", "eidas1")
                .containsEntry("created_at_login", true).containsEntry("ttl", 1800)
                .containsEntry("local", true);
        assertThat((String[]) stored.get("amr")).containsExactly("pwd");
        assertThat((String[]) stored.get("client_ids")).isEmpty();

        TestBrowser.Response callback = rp.consent(toConsent);
        assertThat(callback.location().toString()).startsWith(OidcTestClient.DEMO_REDIRECT + "?code=");
        assertThat((String[]) db.sql(facts).bind("id", idHash).fetch().one().block().get("client_ids"))
                .containsExactly(OidcTestClient.DEMO_CLIENT);
        // Answered, the request is retired by the statement that issued the code: it cannot be answered again.
        TestBrowser.Response again = rp.browser.follow(toConsent);
        assertThat(again.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(again.body()).contains("Votre demande de connexion a expiré");
    }

    @Test
    void ssoWhenSessionExistsThenSecondRelyingPartyGetsCodeAfterConsentOnlyAndJsonUserinfo() throws Exception {
        loginAndConsent(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid profile");

        OidcTestClient.Started second = rp.authorizationRequest(JSON_CLIENT, JSON_REDIRECT, "openid identite_pivot email", null);
        TestBrowser.Response toConsent = rp.browser.get(second.uri().toString());
        assertThat(toConsent.location().getPath()).as("SSO: no login page the second time").isEqualTo("/consent");
        TestBrowser.Response callback = rp.consent(toConsent);
        assertThat(callback.location().toString()).startsWith(JSON_REDIRECT + "?code=");

        HTTPResponse token = rp.token(callback.query("code"), new ClientSecretPost(new ClientID(JSON_CLIENT),
                new Secret(JSON_SECRET)), URI.create(JSON_REDIRECT), second.verifier());
        OIDCTokenResponse tokens = (OIDCTokenResponse) com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser.parse(token)
                .toSuccessResponse();
        assertThat(tokens.getOIDCTokens().getIDToken().getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        HTTPResponse userinfo = OidcTestClient.timed(new UserInfoRequest(rp.metadata.getUserInfoEndpointURI(),
                tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest()).send();
        assertThat(userinfo.getHeaderValue("Content-Type")).startsWith("application/json");
        Map<String, Object> claims = userinfo.getContentAsJSONObject();
        assertThat(claims).containsOnlyKeys("sub", "given_name", "family_name", "birthdate", "gender", "birthplace",
                "birthcountry", "email");

        // Already consented: a third request for the same RP goes straight back with a code.
        OidcTestClient.Started third = rp.authorizationRequest(JSON_CLIENT, JSON_REDIRECT, "openid identite_pivot", null);
        assertThat(rp.browser.get(third.uri().toString()).location().toString()).startsWith(JSON_REDIRECT + "?code=");
        // prompt=consent shows the page again, prompt=login the login page.
        assertThat(rp.browser.get(rp.authorizationRequest(JSON_CLIENT, JSON_REDIRECT, "openid", "consent").uri().toString())
                .location().getPath()).isEqualTo("/consent");
        assertThat(rp.browser.get(rp.authorizationRequest(JSON_CLIENT, JSON_REDIRECT, "openid", "login").uri().toString())
                .location().getPath()).isEqualTo("/login");
    }

    @Test
    void pairwiseSubjectWhenTwoSectorsThenDifferentAndStablePerSector() throws Exception {
        String demoSub1 = subjectFor(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid", true);
        String demoSub2 = subjectFor(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT, "openid", false);
        String otherSub = subjectFor(JSON_CLIENT, JSON_REDIRECT, "openid", false);
        assertThat(demoSub1).isEqualTo(demoSub2);
        assertThat(otherSub).isNotEqualTo(demoSub1);
    }

    private String subjectFor(String clientId, String redirectUri, String scope, boolean login) throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(clientId, redirectUri, scope, null);
        TestBrowser.Response next = rp.browser.get(auth.uri().toString());
        if (login) {
            next = rp.login(next, OidcTestClient.MARTIN_NIR, OidcTestClient.MARTIN_PASSWORD);
        }
        if ("/consent".equals(next.location().getPath())) {
            next = rp.consent(next);
        }
        HTTPResponse token = clientId.equals(JSON_CLIENT)
                ? rp.token(next.query("code"), new ClientSecretPost(new ClientID(JSON_CLIENT), new Secret(JSON_SECRET)),
                        URI.create(JSON_REDIRECT), auth.verifier())
                : rp.token(next.query("code"), new com.nimbusds.oauth2.sdk.auth.ClientSecretBasic(
                        new ClientID(OidcTestClient.DEMO_CLIENT), new Secret(OidcTestClient.DEMO_SECRET)),
                        URI.create(OidcTestClient.DEMO_REDIRECT), auth.verifier());
        OIDCTokenResponse tokens = (OIDCTokenResponse) com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser.parse(token)
                .toSuccessResponse();
        return tokens.getOIDCTokens().getIDToken().getJWTClaimsSet().getSubject();
    }

    OidcTestClient.Started loginAndConsent(String clientId, String redirectUri, String scope) {
        OidcTestClient.Started auth = rp.authorizationRequest(clientId, redirectUri, scope, null);
        TestBrowser.Response next = rp.login(rp.browser.get(auth.uri().toString()), OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);
        if ("/consent".equals(next.location().getPath())) {
            next = rp.consent(next);
        }
        assertThat(next.location().toString()).startsWith(redirectUri);
        return auth;
    }

    private JWTClaimsSet verify(String jwt, JWSAlgorithm alg) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(alg,
                new ImmutableJWKSet<>(JWKSet.load(rp.metadata.getJWKSetURI().toURL()))));
        return processor.process(jwt, null);
    }

    static String sha256(String secret) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
