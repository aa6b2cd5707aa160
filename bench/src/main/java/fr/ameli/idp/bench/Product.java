package fr.ameli.idp.bench;

import java.net.URI;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product: the authorization request leads to {@code /login?auth=…}; the login form carries a CSRF token (the
 * XSRF-TOKEN cookie goes with it) and takes the NIR and password of person 1 of DEMO-DATA.md; the consent page is
 * accepted once, in the setup. Started with {@code --idp.login.security-code-enabled=false}, so that a login is
 * NIR + password, as in Keycloak.
 */
final class Product extends Idp {

    static final String NIR = "2 85 05 75 112 034 96";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    Product(URI base) {
        super("product", base);
    }

    @Override
    URI discovery() {
        return base.resolve("/.well-known/openid-configuration");
    }

    @Override
    URI jwks() {
        return base.resolve("/jwks");
    }

    @Override
    URI authorizationEndpoint() {
        return base.resolve("/authorize");
    }

    @Override
    URI tokenEndpoint() {
        return base.resolve("/token");
    }

    @Override
    URI userinfoEndpoint() {
        return base.resolve("/userinfo");
    }

    @Override
    Map<String, String> extraAuthorizationParameters() {
        return Map.of("acr_values", "eidas1");
    }

    @Override
    URI login(Browser browser, Browser.Response authorizeResponse, boolean consentAllowed) throws Exception {
        URI loginPage = Browser.expect(authorizeResponse, 303).location();
        if (!loginPage.getPath().equals("/login")) {
            throw new Browser.Failure("authorize without a session did not lead to /login: " + loginPage);
        }
        String pending = Browser.query(loginPage, "auth").orElseThrow(() -> new Browser.Failure("no auth in " + loginPage));
        String csrf = csrf(Browser.expect(browser.get(loginPage), 200));
        URI next = Browser.expect(browser.postForm(base.resolve("/login"),
                Map.of("nir", NIR, "password", PASSWORD, "auth", pending, "_csrf", csrf)), 303).location();
        if (next.getPath().equals("/consent")) {
            if (!consentAllowed) {
                throw new Browser.Failure("consent asked again");
            }
            String consentCsrf = csrf(Browser.expect(browser.get(next), 200));
            next = Browser.expect(browser.postForm(base.resolve("/consent"),
                    Map.of("auth", pending, "decision", "accepter", "_csrf", consentCsrf)), 303).location();
        }
        return next;
    }

    private static String csrf(Browser.Response page) {
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new Browser.Failure("no CSRF token in the page " + page.raw().uri().getPath());
        }
        return m.group(1);
    }
}
