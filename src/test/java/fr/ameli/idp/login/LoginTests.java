package fr.ameli.idp.login;

import static org.assertj.core.api.Assertions.assertThat;

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

@IdpIntegrationTest
class LoginTests {

    static final String PENDING_NIR = "1 93 07 44 109 021";

    @LocalServerPort
    int port;

    @Autowired
    org.springframework.r2dbc.core.DatabaseClient db;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    TestBrowser browser;

    @BeforeEach
    void setUp() {
        browser = new TestBrowser(port);
        KnownDevices.remember(db, browser, "2850575112034");
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(PENDING_NIR, "ATTENTE").givenNames("Paul")
                .birthDate("1993-07-01").withoutProof());
        accounts.provision(Nir.parse(PENDING_NIR), AccountStatus.PENDING, "paul.attente@example.org",
                hasher.hash("Attente-2026").block()).block();
    }

    @Test
    void loginPageWhenShownThenAccessibleLabelsAndLinks() {
        TestBrowser.Response page = browser.get("/login");
        assertThat(page.status()).isEqualTo(HttpStatus.OK);
        assertThat(page.body()).contains("<label for=\"nir\"").contains("<label for=\"password\"")
                .contains("Code oublié ?").contains("Créer mon compte").contains("S&#39;identifier avec FranceConnect");
    }

    @Test
    void loginWhenPasswordWrongOrNirUnknownThenSameGenericMessage() {
        browser.get("/login");
        TestBrowser.Response wrongPassword = browser.post("/login", Map.of("nir", "2850575112034", "password", "Wrong-2026"));
        browser.get("/login");
        TestBrowser.Response unknownNir = browser.post("/login", Map.of("nir", "1 90 03 44 109 555", "password", "Wrong-2026"));
        assertThat(wrongPassword.status()).isEqualTo(HttpStatus.OK);
        assertThat(wrongPassword.body()).contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        assertThat(unknownNir.body()).contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
    }

    @Test
    void loginWhenAccountPendingThenToldToConfirmEmail() {
        browser.get("/login");
        TestBrowser.Response response = browser.post("/login", Map.of("nir", PENDING_NIR, "password", "Attente-2026"));
        assertThat(response.body()).contains("pas encore activé");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
    }

    @Test
    void loginWhenCorrectWithoutRelyingPartyThenHomePageLoggedIn() {
        browser.get("/login");
        TestBrowser.Response response = browser.post("/login",
                Map.of("nir", "2 85 05 75 112 034 96", "password", "Ameli-Demo-2026"));
        assertThat(response.status()).isEqualTo(HttpStatus.SEE_OTHER);
        assertThat(response.location().getPath()).isEqualTo("/");
        assertThat(browser.follow(response).body()).contains("Vous êtes connecté");
    }

    @Test
    void loginWhenNirWithKeyOrWithoutSpacesThenSameAccount() {
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", "285057511203496", "password", "Ameli-Demo-2026")).status())
                .isEqualTo(HttpStatus.SEE_OTHER);
    }

    @Test
    void loginWhenCsrfTokenMissingThenForbiddenFrenchPage() {
        TestBrowser.Response response = browser.post("/login", Map.of("nir", "2850575112034", "password", "x", "_csrf", "forged"));
        assertThat(response.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(response.body()).contains("Le formulaire a expiré");
    }

    @Test
    void unknownPageWhenRequestedThenFrenchNotFoundPageOrJsonForApi() {
        TestBrowser.Response page = browser.get("/nulle-part");
        assertThat(page.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(page.body()).contains("La page demandée n&#39;existe pas.");
        TestBrowser.Response api = browser.get("/api/v1/nothing");
        assertThat(api.status()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(api.body()).contains("\"code\":\"not_found\"").doesNotContain("Exception");
    }
}
