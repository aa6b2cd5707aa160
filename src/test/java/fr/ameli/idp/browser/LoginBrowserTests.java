package fr.ameli.idp.browser;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.KnownDevices;
import fr.ameli.idp.Mailbox;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.client.ClientProperties;
import fr.ameli.idp.client.RelyingParties;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Logging in with the real browser, page by page: home, login, security code, the relying party's consent and
 * logout pages, Mes informations, the error pages; and the login form used with the keyboard only.
 */
@IdpIntegrationTest
class LoginBrowserTests {

    static final String PERSON_1 = "2 85 05 75 112 034 96";
    static final String PERSON_1_EMAIL = "claire.martin@example.fr";
    static final String PERSON_1_PASSWORD = "Ameli-Demo-2026";
    /** A person of this class with an active account (wrong passwords are typed for her, never for person 1). */
    static final String HOLDER = "2770344109081";
    static final String HOLDER_PASSWORD = "Titulaire-Ameli!";
    static final String RP = "rp-navigateur";
    static final String RP_SECRET = "rp-navigateur-secret-0123456789abcdef0123";

    static final String SHOW_PASSWORD = "button \"Afficher : Mon code personnel (ou provisoire à 4 chiffres)\"";

    @RegisterExtension
    static final OneChromiumPerClass chromium = OneChromiumPerClass.withJavaScript();

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

    @Autowired
    RelyingParties relyingParties;

    Browser browser;

    @BeforeEach
    void setUp() {
        browser = chromium.browser(port);
        fr.ameli.idp.registry.TestInsuredPersons.importInto(registry, People.eligible(HOLDER, "TITULAIRE"));
        accounts.provision(Nir.parse(HOLDER), AccountStatus.ACTIVE, "titulaire@example.org",
                hasher.hash(HOLDER_PASSWORD).block()).block();
    }

    @Test
    void loginWhenFirstTimeOnThisBrowserThenSecurityCodeAndEveryPageAccessible() {
        browser.flow("connexion").open("/").page("accueil");
        browser.click("Vous avez déjà un compte ameli (ou un code donné par votre caisse) : connectez-vous");
        assertThat(browser.path()).isEqualTo("/login");
        browser.page("connexion");

        browser.fill("nir", HOLDER).fill("password", "Pas-Le-Bon-2026").click("Me connecter");
        assertThat(browser.text()).contains("Le numéro de sécurité sociale ou le code personnel est incorrect.");
        assertThat(browser.driver.getTitle()).startsWith("Erreur");
        browser.page("connexion-erreur");

        int codesBefore = Mailbox.messages(PERSON_1_EMAIL, "Votre code de sécurité ameli").size();
        browser.fill("nir", PERSON_1).fill("password", PERSON_1_PASSWORD).click("Me connecter");
        assertThat(browser.path()).isEqualTo("/login/code");
        assertThat(browser.text()).contains("c****@example.fr");
        browser.page("code-securite");

        String code = Mailbox.find(Mailbox.await(PERSON_1_EMAIL, "Votre code de sécurité ameli", codesBefore),
                "\\b([0-9]{6})\\b");
        browser.fill("code", code.equals("000000") ? "111111" : "000000").click("Valider");
        assertThat(browser.text()).contains("Le code saisi est incorrect");
        browser.page("code-securite-erreur");

        browser.fill("code", code).click("Valider");
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.text()).contains("Vous êtes connecté");
        assertThat(browser.cookie("AMELI_DEVICE")).isNotBlank();
        browser.page("accueil-connecte");

        browser.click("Me déconnecter");
        assertThat(browser.text()).doesNotContain("Vous êtes connecté");
    }

    @Test
    void loginFormWhenKeyboardOnlyThenLogicalOrderVisibleFocusShowHideButtonAndEnterSubmits() {
        browser.flow("connexion-clavier").open("/login");
        browser.setCookie("AMELI_DEVICE", KnownDevices.remember(db, HOLDER));
        browser.open("/login").fromTop();

        List<String> order = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            order.add(browser.tab());
            assertThat(browser.focusVisible()).as("visible focus on %s", order.getLast()).isTrue();
        }
        assertThat(order).containsSubsequence("#nir", "#password", SHOW_PASSWORD, "a \"Code oublié ?\"",
                "button \"Me connecter\"", "button \"S'identifier avec FranceConnect\"",
                "a \"Qu'est-ce que FranceConnect ?\"", "a \"Première visite ? Créer mon compte\"");

        // The show/hide button: a toggle button named after its field, announced with its state.
        Browser.AxNode toggle = browser.accessibility("#password + .afficher-mot-de-passe");
        assertThat(toggle.name()).isEqualTo("Afficher : Mon code personnel (ou provisoire à 4 chiffres)");
        assertThat(toggle.role()).isIn("button", "toggleButton");
        assertThat(toggle.properties()).containsEntry("pressed", "false");

        browser.fromTop().tabTo("#nir").keys(HOLDER);
        assertThat(browser.tab()).isEqualTo("#password");
        browser.keys(HOLDER_PASSWORD);
        assertThat(browser.tab()).isEqualTo(SHOW_PASSWORD);
        browser.keys(Keys.SPACE);
        assertThat(browser.field("password").getAttribute("type")).isEqualTo("text");
        assertThat(browser.field("password").getDomProperty("value")).isEqualTo(HOLDER_PASSWORD);
        assertThat(browser.accessibility("#password + .afficher-mot-de-passe").properties()).containsEntry("pressed", "true");
        browser.page("mot-de-passe-affiche");
        browser.keys(Keys.ENTER);
        assertThat(browser.field("password").getAttribute("type")).isEqualTo("password");

        assertThat(browser.shiftTab()).isEqualTo("#password");
        browser.enter();
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.text()).contains("Vous êtes connecté");
    }

    @Test
    void relyingPartyWhenPersonLogsInThenLoginConsentAndLogoutPagesAccessible() throws Exception {
        String redirect = "http://localhost:" + port + "/";
        relyingParties.register(new ClientProperties(RP, "Mairie de test", java.util.HexFormat.of().formatHex(Secrets.sha256(RP_SECRET)),
                List.of("client_secret_basic"), List.of(redirect), List.of(), List.of("openid", "identite_pivot", "email"),
                "ES256", null, "mairie.example", null, false), "test").block();
        browser.flow("site-partenaire").open("/login");
        browser.setCookie("AMELI_DEVICE", KnownDevices.remember(db, HOLDER));

        browser.open("/authorize?response_type=code&client_id=" + RP + "&redirect_uri=" + encode(redirect)
                + "&scope=" + encode("openid identite_pivot email") + "&state=etat-123&nonce=0123456789abcdefghijklmnop"
                + "&acr_values=eidas1");
        assertThat(browser.path()).isEqualTo("/login");
        browser.page("connexion");
        browser.fill("nir", HOLDER).fill("password", HOLDER_PASSWORD).click("Me connecter");
        assertThat(browser.path()).isEqualTo("/consent");
        assertThat(browser.text()).contains("Mairie de test").contains("Vos prénoms").contains("Votre adresse mail");
        browser.page("consentement");

        browser.click("Continuer sur Mairie de test");
        URI callback = URI.create(browser.url());
        assertThat(callback.getPath()).isEqualTo("/");
        Map<String, String> query = query(callback);
        assertThat(query).containsEntry("state", "etat-123").containsKey("code");

        String idToken = idToken(query.get("code"), redirect);
        browser.open("/logout?id_token_hint=" + idToken + "&client_id=" + RP);
        assertThat(browser.text()).contains("Vous avez été déconnecté de votre compte ameli.");
        assertThat(browser.cookie("AMELI_SESSION")).isNull();
        browser.page("deconnexion");
    }

    @Test
    void myInformationWhenChangedThenEachPageAndMessageAccessible() {
        String nir = "2770344109082";
        fr.ameli.idp.registry.TestInsuredPersons.importInto(registry, People.eligible(nir, "INFORMATIONS"));
        accounts.provision(Nir.parse(nir), AccountStatus.ACTIVE, "informations@example.org",
                hasher.hash(HOLDER_PASSWORD).block()).block();
        browser.flow("mes-informations").open("/login");
        browser.setCookie("AMELI_DEVICE", KnownDevices.remember(db, nir));
        browser.open("/login").fill("nir", nir).fill("password", HOLDER_PASSWORD).click("Me connecter");
        browser.click("Mes informations");
        assertThat(browser.text()).contains("INFORMATIONS").contains("informations@example.org");
        browser.page("mes-informations");

        browser.fill("mobile", "01 23 45 67 89").click("Enregistrer mes numéros");
        assertThat(browser.text()).contains("commençant par 06 ou 07");
        browser.page("telephone-refuse");
        browser.fill("mobile", "06 12 34 56 78").click("Enregistrer mes numéros");
        assertThat(browser.text()).contains("Vos numéros de téléphone sont enregistrés.");
        browser.page("telephones-enregistres");

        // The live strength indicator, as a screen reader gets it: described field, polite atomic status.
        browser.fill("motDePasse", "abc");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : faible");
        browser.fill("motDePasse", "Nouveau-Code-2026-Fort");
        assertThat(browser.field("force").getText()).isEqualTo("Niveau indicatif de sécurité : élevé");
        Browser.AxNode status = browser.accessibility("#force");
        assertThat(status.role()).isEqualTo("status");
        assertThat(status.properties()).containsEntry("live", "polite").containsEntry("atomic", true);
        assertThat(browser.accessibility("#motDePasse").description()).contains("Niveau indicatif de sécurité : élevé");

        browser.fill("actuel", HOLDER_PASSWORD).fill("motDePasse", "court").fill("confirmation", "court")
                .click("Modifier mon code personnel");
        assertThat(browser.text()).contains("Comporter au moins 8 caractères");
        browser.page("code-refuse");

        int confirmations = Mailbox.messages("nouvelle.informations@example.org",
                "Votre compte ameli - Confirmation de votre adresse mail").size();
        browser.fill("nouvel-email", "nouvelle.informations@example.org")
                .fill("nouvel-email-confirmation", "nouvelle.informations@example.org");
        currentPasswordOfEmailFormIfAsked();
        browser.click("Modifier mon adresse mail");
        assertThat(browser.text()).contains("Un lien de confirmation a été envoyé");
        browser.page("adresse-en-attente");
        String link = Mailbox.find(Mailbox.await("nouvelle.informations@example.org",
                "Votre compte ameli - Confirmation de votre adresse mail", confirmations),
                "(http://localhost:" + port + "/compte/email/confirmation\\?jeton=[A-Za-z0-9_-]+)");
        browser.open(link);
        assertThat(browser.heading()).isEqualTo("Votre nouvelle adresse mail est confirmée");
        browser.page("adresse-confirmee");
    }

    @Test
    void errorPagesWhenShownThenAccessible() {
        browser.flow("erreurs").open("/nulle-part");
        assertThat(browser.text()).contains("La page demandée n'existe pas.");
        browser.page("page-introuvable");

        browser.open("/authorize?response_type=code&client_id=inconnu&redirect_uri=https://ailleurs.example/&scope=openid"
                + "&state=s&nonce=0123456789abcdefghijklmnop&acr_values=eidas1");
        assertThat(browser.text()).contains("n'est pas reconnu");
        browser.page("site-inconnu");

        browser.open("/logout?id_token_hint=abime");
        assertThat(browser.text()).contains("La demande de déconnexion est incorrecte.");
        browser.page("deconnexion-incorrecte");

        browser.open("/login");
        browser.driver.manage().deleteCookieNamed("XSRF-TOKEN");
        browser.fill("nir", HOLDER).fill("password", HOLDER_PASSWORD).click("Me connecter");
        assertThat(browser.text()).contains("Le formulaire a expiré");
        browser.page("formulaire-expire");
    }

    /** Another change in progress asks for the current password before an email change: fill it when it is there. */
    private void currentPasswordOfEmailFormIfAsked() {
        browser.driver.findElements(By.cssSelector("form[action$='/email'] input[type=password]"))
                .forEach(field -> field.sendKeys(HOLDER_PASSWORD));
    }

    private String idToken(String code, String redirect) throws Exception {
        String basic = Base64.getEncoder().encodeToString((RP + ":" + RP_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + encode(code)
                        + "&redirect_uri=" + encode(redirect)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Matcher m = Pattern.compile("\"id_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
            assertThat(m.find()).isTrue();
            return m.group(1);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
