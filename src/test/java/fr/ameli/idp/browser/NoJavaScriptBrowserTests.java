package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Progressive enhancement: with JavaScript disabled in the browser, a person logs in and creates an account with
 * carte Vitale + IBAN; no control that needs a script is shown, and the server gives the password's strength.
 */
@IdpIntegrationTest
class NoJavaScriptBrowserTests {

    static final String HOLDER = "2770344109091";
    static final String NEWCOMER = "1770344109092";

    @RegisterExtension
    static final OneChromiumPerClass chromium = OneChromiumPerClass.withoutJavaScript();

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

    Browser browser;

    @BeforeEach
    void setUp() {
        browser = chromium.browser(port);
        fr.ameli.idp.registry.TestInsuredPersons.importInto(registry,
                People.eligible(HOLDER, "SANSSCRIPT"),
                People.eligible(NEWCOMER, "NOUVEAU"));
        accounts.provision(Nir.parse(HOLDER), AccountStatus.ACTIVE, "sans.script@example.org",
                hasher.hash("Sans-Script-Ameli").block()).block();
    }

    @Test
    void loginWhenJavaScriptDisabledThenWorksWithoutShowPasswordButton() {
        browser.flow("sans-javascript").open("/login");
        assertThat(browser.js("return document.querySelectorAll('.afficher-mot-de-passe').length")).isEqualTo(0L);
        assertThat(browser.driver.findElements(By.cssSelector("button[aria-pressed]"))).isEmpty();
        browser.page("connexion");
        browser.setCookie("AMELI_DEVICE", KnownDevices.remember(db, HOLDER));
        browser.fill("nir", HOLDER).fill("password", "Sans-Script-Ameli").click("Me connecter");
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.text()).contains("Vous êtes connecté");
    }

    @Test
    void enrollmentWhenJavaScriptDisabledThenEveryStepWorksAndServerGivesStrength() {
        browser.flow("sans-javascript").open("/inscription").fill("nom", "Nouveau").fill("nir", NEWCOMER)
                .fill("dateNaissance", People.BIRTH_DATE).fill("codePostal", People.POSTAL_CODE).click("Continuer");
        browser.fill("iban7", People.IBAN_END).fill("carteVitale11", People.serialEnd(NEWCOMER)).click("Continuer");
        browser.click("Passer à l'étape suivante");
        assertThat(browser.path()).isEqualTo("/inscription/mot-de-passe");

        // Typing changes nothing without a script; the server computes the level when the form comes back.
        browser.fill("motDePasse", "Nouveau-Ameli");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : —");
        browser.fill("confirmation", "Nouveau-Ameli-X").click("Valider votre mot de passe");
        assertThat(browser.text()).contains("Les deux mots de passe saisis doivent être identiques");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : moyen");
        browser.page("mot-de-passe-force-serveur");

        assertThat(browser.js("return document.querySelectorAll('.afficher-mot-de-passe').length")).isEqualTo(0L);

        browser.fill("motDePasse", "Nouveau-Ameli-2026").fill("confirmation", "Nouveau-Ameli-2026").click("Valider votre mot de passe");
        browser.fill("email", "nouveau.sans.script@example.org").fill("emailConfirmation", "nouveau.sans.script@example.org")
                .check("ce-non").click("Valider et créer votre compte ameli");
        assertThat(browser.path()).isEqualTo("/inscription/confirmation-email");
        assertThat(accounts.findByNir(Nir.parse(NEWCOMER)).block().status()).isEqualTo(AccountStatus.PENDING);
    }
}
