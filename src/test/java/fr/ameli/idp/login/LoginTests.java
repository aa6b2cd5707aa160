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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

@IdpIntegrationTest
class LoginTests {

    static final String PENDING_NIR = "1 93 07 44 109 021";
    static final String DEVICE_NIR = "1 84 12 75 115 012 45";

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

    /**
     * Whether the browser is known is read with the account, in the login's first statement: only a live token of
     * this very account lets the login through without the security code; another account's token, an expired one
     * or none gets the code page. (A person of this test's own: each code page sends a code, which counts against
     * the codes-per-account budget other tests count on.)
     */
    @Test
    void loginWhenTheBrowserIsNotKnownToThisAccountThenTheSecurityCodeIsAsked() {
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(DEVICE_NIR, "APPAREIL").givenNames("Lucie")
                .birthDate("1984-12-03").withoutProof());
        accounts.provision(Nir.parse(DEVICE_NIR), AccountStatus.ACTIVE, "lucie.appareil@example.org",
                hasher.hash("Appareil-2026").block()).block();
        String nir13 = Nir.parse(DEVICE_NIR).value();

        TestBrowser known = new TestBrowser(port);
        KnownDevices.remember(db, known, nir13);
        assertThat(loginAs(known).location().getPath()).isEqualTo("/");

        TestBrowser othersToken = new TestBrowser(port);
        KnownDevices.remember(db, othersToken, "2850575112034");
        TestBrowser expiredToken = new TestBrowser(port);
        String expired = KnownDevices.remember(db, nir13);
        db.sql("update known_device set expires_at = now() - interval '1 second' where token_hash = :hash")
                .bind("hash", fr.ameli.idp.platform.Secrets.sha256(expired)).then().block();
        expiredToken.setCookie("AMELI_DEVICE", expired);
        TestBrowser noToken = new TestBrowser(port);
        for (TestBrowser unknown : List.of(othersToken, expiredToken, noToken)) {
            TestBrowser.Response response = loginAs(unknown);
            assertThat(response.status()).isEqualTo(HttpStatus.SEE_OTHER);
            assertThat(response.location().getPath()).isEqualTo("/login/code");
            assertThat(unknown.cookie("AMELI_SESSION")).isNull();
        }
    }

    private TestBrowser.Response loginAs(TestBrowser browser) {
        browser.get("/login");
        return browser.post("/login", Map.of("nir", DEVICE_NIR, "password", "Appareil-2026"));
    }

    /** Issue 10, item 10: a hash stored with Spring's 5.8 defaults (16 MiB) is replaced at the next good login. */
    @Test
    void loginWhenStoredHashHasOlderArgon2ParametersThenRehashedAtOwaspMinimum() {
        String nir = "1930744109701";
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(nir, "ANCIENHASH").givenNames("Paul")
                .birthDate("1993-07-01").withoutProof());
        String weak = org.springframework.security.crypto.argon2.Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()
                .encode("Ancien-Hash-2026");
        assertThat(weak).startsWith("$argon2id$v=19$m=16384,t=2,p=1$");
        accounts.provision(Nir.parse(nir), AccountStatus.ACTIVE, "ancien.hash@example.org", weak).block();
        KnownDevices.remember(db, browser, nir);

        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", nir, "password", "Wrong-2026-x")).status()).isEqualTo(HttpStatus.OK);
        assertThat(accounts.findByNir(Nir.parse(nir)).block().passwordHash()).isEqualTo(weak);
        browser.get("/login");
        assertThat(browser.post("/login", Map.of("nir", nir, "password", "Ancien-Hash-2026")).status())
                .isEqualTo(HttpStatus.SEE_OTHER);

        String upgraded = accounts.findByNir(Nir.parse(nir)).block().passwordHash();
        assertThat(upgraded).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.needsRehash(upgraded)).isFalse();
        assertThat(hasher.needsRehash(weak)).isTrue();
        TestBrowser again = new TestBrowser(port);
        KnownDevices.remember(db, again, nir);
        again.get("/login");
        assertThat(again.post("/login", Map.of("nir", nir, "password", "Ancien-Hash-2026")).status())
                .isEqualTo(HttpStatus.SEE_OTHER);
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
