package fr.ameli.idp.web.error;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import fr.ameli.idp.account.AccountStatus;
import fr.ameli.idp.account.Accounts;
import fr.ameli.idp.account.PasswordHasher;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.registry.Nir;
import fr.ameli.idp.registry.Registry;
import fr.ameli.idp.registry.TestInsuredPersons;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document served at {@code /api/v1/openapi.yaml} against the routes: every {@code /api/} route is
 * documented, and every documented path and method answers (over HTTP, with live resources in its path: something
 * else than 404 or 405).
 */
@IdpIntegrationTest
class OpenApiDocumentTests {

    /** Has an account: a code of its own leads to a personal-code reset. */
    static final String RESET_NIR = "2910144109062";

    @LocalServerPort
    int port;

    @Autowired
    List<RouterFunction<?>> routers;

    @Autowired
    Registry registry;

    @Autowired
    Accounts accounts;

    @Autowired
    PasswordHasher hasher;

    @Autowired
    ProvisionalCodes codes;

    WebTestClient api;

    @BeforeEach
    void setUp() {
        api = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .defaultHeader("X-Forwarded-For", "198.51.100.200").build();
    }

    @SuppressWarnings("unchecked")
    Set<String> documented() {
        byte[] yaml = api.get().uri("/api/v1/openapi.yaml").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        Map<String, Object> document = new Yaml().load(new String(yaml, java.nio.charset.StandardCharsets.UTF_8));
        Set<String> operations = new TreeSet<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.keySet().stream()
                .filter(key -> Set.of("get", "post", "put", "patch", "delete").contains(key))
                .forEach(method -> operations.add(method.toUpperCase() + " " + path)));
        return operations;
    }

    Set<String> routed() {
        Set<String> operations = new TreeSet<>();
        RouteCatalog.of(routers).routes().stream().filter(route -> route.pattern().startsWith("/api/"))
                .forEach(route -> route.methods().forEach(method -> operations.add(method.name() + " " + route.pattern())));
        return operations;
    }

    @Test
    void everyApiRouteWhenListedThenDocumented() {
        Set<String> routed = routed();
        assertThat(routed).hasSizeGreaterThanOrEqualTo(10);
        assertThat(documented()).containsAll(routed);
    }

    @Test
    void everyDocumentedOperationWhenCalledThenItAnswers() {
        Map<String, String> live = livePathValues();
        for (String operation : documented()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String template = operation.substring(operation.indexOf(' ') + 1);
            String path = live.getOrDefault(template, template);
            assertThat(path).as("a live value for each parameter of %s", template).doesNotContain("{");
            EntityExchangeResult<byte[]> result = api.method(HttpMethod.valueOf(method)).uri(path)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                    .exchange().expectBody().returnResult();
            assertThat(result.getStatus().value()).as(operation).isNotIn(404, 405);
            assertThat(result.getStatus().is5xxServerError()).as(operation).isFalse();
        }
    }

    /** Each path with parameters, filled with a resource that exists now. */
    private Map<String, String> livePathValues() {
        Map<String, String> live = new LinkedHashMap<>();
        String enrollment = (String) api.post().uri("/api/v1/enrollments").exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        live.put("/api/v1/enrollments/{id}", "/api/v1/enrollments/" + enrollment);
        live.put("/api/v1/enrollments/{id}/{step}", "/api/v1/enrollments/" + enrollment + "/identite");
        Map<?, ?> challenge = api.post().uri("/api/v1/captchas").exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        live.put("/api/v1/captchas/{id}/image", (String) challenge.get("image"));
        live.put("/api/v1/captchas/{id}/audio", (String) challenge.get("audio"));
        live.put("/api/v1/personal-code-resets/{id}", resetHref());
        return live;
    }

    private String resetHref() {
        TestInsuredPersons.importInto(registry, TestInsuredPersons.eligible(RESET_NIR, "REMISE").givenNames("Anne").female()
                .birthDate("1991-01-01").withoutProof());
        Nir nir = Nir.parse(RESET_NIR);
        if (accounts.findByNir(nir).blockOptional().isEmpty()) {
            accounts.provision(nir, AccountStatus.ACTIVE, "anne.remise@example.org", hasher.hash("Remise-Ameli!").block())
                    .block();
        }
        ProvisionalCodes.NewCode code = codes.draw(4).block();
        codes.store(nir, ProvisionalCodes.Origin.FORGOTTEN, code, Duration.ofMinutes(30)).block();
        Map<?, ?> redeemed = api.post().uri("/api/v1/provisional-codes/redemptions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("nir", RESET_NIR, "code", code.code())).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (String) ((Map<?, ?>) redeemed.get("reset")).get("href");
    }
}
