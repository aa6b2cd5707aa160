package fr.ameli.idp.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.TestBrowser;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 10, item 8: RP-initiated logout ends a session at once only on an ID token of ours for its own person. */
@IdpIntegrationTest
class LogoutTests {

    static final String OTHER_NIR = "1930744109721";
    static final String OTHER_PASSWORD = "Autre-Personne-2026";
    static final String BACK = "http://localhost:9876/";

    @LocalServerPort
    int port;

    @Autowired
    DatabaseClient db;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    OidcTestClient rp;

    @BeforeEach
    void setUp() throws Exception {
        rp = new OidcTestClient(port);
        KnownDevices.remember(db, rp.browser, "2850575112034");
        if (accounts.findByNir(Nir.parse(OTHER_NIR)).blockOptional().isEmpty()) {
            TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(OTHER_NIR, "DECONNEXION").givenNames("Paul")
                    .birthDate("1993-07-01").withoutProof());
            accounts.provision(Nir.parse(OTHER_NIR), AccountStatus.ACTIVE, "deconnexion@example.org",
                    hasher.hash(OTHER_PASSWORD).block()).block();
        }
    }

    /** Person 1 logs in through the demo RP on {@link #rp}'s browser; her tokens. */
    private OIDCTokenResponse martinTokens() throws Exception {
        OidcTestClient.Started auth = rp.authorizationRequest(OidcTestClient.DEMO_CLIENT, OidcTestClient.DEMO_REDIRECT,
                "openid profile", null);
        TestBrowser.Response next = rp.login(rp.browser.get(auth.uri().toString()), OidcTestClient.MARTIN_NIR,
                OidcTestClient.MARTIN_PASSWORD);
        if ("/consent".equals(next.location().getPath())) {
            next = rp.consent(next);
        }
        return (OIDCTokenResponse) rp.demoToken(next.query("code"), auth.verifier()).toSuccessResponse();
    }

    private TestBrowser otherPersonLoggedIn() {
        TestBrowser other = new TestBrowser(port);
        KnownDevices.remember(db, other, OTHER_NIR);
        other.get("/login");
        assertThat(other.post("/login", Map.of("nir", OTHER_NIR, "password", OTHER_PASSWORD)).location().getPath())
                .isEqualTo("/");
        return other;
    }

    @Test
    void logoutWhenHintIsASignedUserinfoThenRefusedAndSessionKept() throws Exception {
        OIDCTokenResponse tokens = martinTokens();
        String userinfo = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build().get().uri("/userinfo")
                .headers(h -> h.setBearerAuth(tokens.getOIDCTokens().getAccessToken().getValue()))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(userinfo).as("demo-rp gets a signed userinfo").startsWith("ey").contains(".");

        TestBrowser.Response refused = rp.browser.get("/logout?id_token_hint=" + userinfo + "&client_id=demo-rp");

        assertThat(refused.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.body()).contains("La demande de déconnexion est incorrecte.");
        assertThat(rp.browser.get("/").body()).contains("Vous êtes connecté");
    }

    @Test
    void logoutWhenHintNamesAnotherPersonThenConfirmationPageAndSessionEndedOnlyByItsForm() throws Exception {
        String martinIdToken = martinTokens().getOIDCTokens().getIDTokenString();
        TestBrowser other = otherPersonLoggedIn();

        TestBrowser.Response page = other.get("/logout?id_token_hint=" + martinIdToken + "&client_id=demo-rp"
                + "&post_logout_redirect_uri=" + BACK + "&state=etat-42");

        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(page.body()).contains("Voulez-vous vous déconnecter ?").contains("action=\"/logout/confirmation\"")
                .contains("name=\"_csrf\"").contains("Site partenaire de démonstration");
        assertThat(other.get("/").body()).as("not logged out by the link").contains("Vous êtes connecté");

        other.get("/logout?id_token_hint=" + martinIdToken + "&client_id=demo-rp&post_logout_redirect_uri=" + BACK
                + "&state=etat-42");
        TestBrowser.Response confirmed = other.post("/logout/confirmation",
                Map.of("client_id", "demo-rp", "post_logout_redirect_uri", BACK, "state", "etat-42"));
        assertThat(confirmed.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(confirmed.location().toString()).isEqualTo(BACK + "?state=etat-42");
        assertThat(other.cookie("AMELI_SESSION")).isNullOrEmpty();
        assertThat(other.get("/").body()).doesNotContain("Vous êtes connecté");

        // Her own ID token still logs her out at once.
        TestBrowser.Response own = rp.browser.get("/logout?id_token_hint=" + martinIdToken + "&client_id=demo-rp"
                + "&post_logout_redirect_uri=" + BACK + "&state=s");
        assertThat(own.location().toString()).isEqualTo(BACK + "?state=s");
    }

    @Test
    void logoutWhenGetWithoutHintThenConfirmationAndFormWithoutCsrfRefused() {
        TestBrowser other = otherPersonLoggedIn();

        TestBrowser.Response page = other.get("/logout");
        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(page.body()).contains("Voulez-vous vous déconnecter ?");
        assertThat(other.get("/").body()).contains("Vous êtes connecté");

        TestBrowser.Response forged = other.post("/logout/confirmation", Map.of("_csrf", "forged"));
        assertThat(forged.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(other.get("/").body()).contains("Vous êtes connecté");

        other.get("/logout");
        TestBrowser.Response confirmed = other.post("/logout/confirmation", Map.of());
        assertThat(confirmed.status()).isEqualTo(HttpStatus.OK);
        assertThat(confirmed.body()).contains("Vous avez été déconnecté de votre compte ameli.");
        assertThat(other.get("/").body()).doesNotContain("Vous êtes connecté");
    }
}
