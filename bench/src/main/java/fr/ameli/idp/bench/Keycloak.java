package fr.ameli.idp.bench;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keycloak, realm {@code bench}: the authorization request answers the login page itself, whose form (action with
 * session_code, execution, tab_id) takes the username and password; consent is off for the client.
 *
 * <p>{@link #configure} sets it up through the admin REST API like the product's demo data: the client
 * {@code demo-rp} (confidential, same secret and redirect URI, PKCE S256, ES256 ID token, userinfo signed ES256),
 * an ES256 key as the realm's default signature algorithm, the person 1 of DEMO-DATA.md as a user with the same
 * password and the same claims (profile, email, and a {@code birth} client scope for birthplace and birth country).
 */
final class Keycloak extends Idp {

    static final String REALM = "bench";
    static final String USERNAME = "285057511203496";
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "bench-admin-0123456789";
    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    Keycloak(URI base) {
        super("Keycloak", base);
    }

    private URI oidc(String path) {
        return base.resolve("/realms/" + REALM + "/protocol/openid-connect/" + path);
    }

    @Override
    URI discovery() {
        return base.resolve("/realms/" + REALM + "/.well-known/openid-configuration");
    }

    @Override
    URI jwks() {
        return oidc("certs");
    }

    @Override
    URI authorizationEndpoint() {
        return oidc("auth");
    }

    @Override
    URI tokenEndpoint() {
        return oidc("token");
    }

    @Override
    URI userinfoEndpoint() {
        return oidc("userinfo");
    }

    @Override
    Map<String, String> extraAuthorizationParameters() {
        return Map.of();
    }

    @Override
    URI login(Browser browser, Browser.Response authorizeResponse, boolean consentAllowed) throws Exception {
        Browser.Response page = Browser.expect(authorizeResponse, 200);
        Matcher m = LOGIN_FORM.matcher(page.body());
        if (!m.find()) {
            throw new Browser.Failure("no login form in Keycloak's page");
        }
        URI action = URI.create(htmlUnescape(m.group(1)));
        return Browser.expect(browser.postForm(action,
                Map.of("username", USERNAME, "password", PASSWORD, "credentialId", "")), 302).location();
    }

    // ---- configuration through the admin REST API ----

    void configure() throws Exception {
        Browser b = new Browser();
        String token = (String) JSONObjectUtils.parse(Browser.expect(b.postForm(
                base.resolve("/realms/master/protocol/openid-connect/token"),
                Map.of("grant_type", "password", "client_id", "admin-cli", "username", ADMIN, "password", ADMIN_PASSWORD)),
                200).body()).get("access_token");
        Admin admin = new Admin(base.resolve("/admin/realms"), token);

        admin.send("POST", "", Map.of("id", REALM, "realm", REALM, "enabled", true,
                "defaultSignatureAlgorithm", "ES256"), 201);
        // An ES256 key (P-256) with a priority above the generated RSA key's.
        admin.send("POST", "/" + REALM + "/components", Map.of(
                "name", "es256", "providerId", "ecdsa-generated", "providerType", "org.keycloak.keys.KeyProvider",
                "parentId", REALM, "config", Map.of("priority", List.of("200"), "enabled", List.of("true"),
                        "active", List.of("true"), "ecdsaEllipticCurveKey", List.of("P-256"))), 201);
        // Attributes outside the default user profile (birth date, gender, birthplace, country) are allowed.
        Map<String, Object> profile = JSONObjectUtils.parse(admin.send("GET", "/" + REALM + "/users/profile", null, 200));
        profile.put("unmanagedAttributePolicy", "ENABLED");
        admin.send("PUT", "/" + REALM + "/users/profile", profile, 200);

        String birthScope = admin.created("/" + REALM + "/client-scopes", Map.of("name", "birth", "protocol", "openid-connect",
                "attributes", Map.of("include.in.token.scope", "true"),
                "protocolMappers", List.of(attributeMapper("birthplace"), attributeMapper("birthcountry"))));
        String client = admin.created("/" + REALM + "/clients", Map.ofEntries(
                Map.entry("clientId", CLIENT_ID),
                Map.entry("name", "Site partenaire de démonstration"),
                Map.entry("enabled", true),
                Map.entry("protocol", "openid-connect"),
                Map.entry("publicClient", false),
                Map.entry("clientAuthenticatorType", "client-secret"),
                Map.entry("secret", CLIENT_SECRET),
                Map.entry("redirectUris", List.of(REDIRECT_URI)),
                Map.entry("standardFlowEnabled", true),
                Map.entry("directAccessGrantsEnabled", false),
                Map.entry("implicitFlowEnabled", false),
                Map.entry("consentRequired", false),
                Map.entry("attributes", Map.of(
                        "pkce.code.challenge.method", "S256",
                        "id.token.signed.response.alg", "ES256",
                        "user.info.response.signature.alg", "ES256",
                        "post.logout.redirect.uris", "http://localhost:9876/"))));
        admin.send("PUT", "/" + REALM + "/clients/" + client + "/default-client-scopes/" + birthScope, null, 204);
        admin.send("POST", "/" + REALM + "/users", Map.of(
                "username", USERNAME, "enabled", true, "emailVerified", true,
                "firstName", "Claire Anne", "lastName", "MARTIN", "email", "claire.martin@example.fr",
                "attributes", Map.of("birthdate", List.of("1985-05-14"), "gender", List.of("female"),
                        "birthplace", List.of("75112"), "birthcountry", List.of("99100")),
                "credentials", List.of(Map.of("type", "password", "value", PASSWORD, "temporary", false))), 201);
    }

    private static Map<String, Object> attributeMapper(String attribute) {
        return Map.of("name", attribute, "protocol", "openid-connect", "protocolMapper", "oidc-usermodel-attribute-mapper",
                "config", Map.of("user.attribute", attribute, "claim.name", attribute, "jsonType.label", "String",
                        "id.token.claim", "false", "access.token.claim", "false", "userinfo.token.claim", "true"));
    }

    private record Admin(URI base, String token) {

        String send(String method, String path, Object body, int expected) throws Exception {
            return exchange(method, path, body, expected).body();
        }

        /** POSTs a representation; returns the id of what was created (the end of the Location header). */
        String created(String path, Object body) throws Exception {
            String location = exchange("POST", path, body, 201).headers().firstValue("location").orElseThrow();
            return location.substring(location.lastIndexOf('/') + 1);
        }

        private HttpResponse<String> exchange(String method, String path, Object body, int expected) throws Exception {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSONObjectUtils.toJSONString(toJson(body))));
            if (body != null) {
                r.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = Browser.HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException("Keycloak admin " + method + " " + path + ": " + response.statusCode()
                        + " " + response.body());
            }
            return response;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> toJson(Object body) {
            return (Map<String, Object>) body;
        }
    }
}
