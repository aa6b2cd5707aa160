package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * A person's browser for flow tests: real HTTP to the running service, a cookie jar, no automatic
 * redirects (each hop is asserted), and forms posted with the CSRF token the page carries.
 *
 * <p>Each browser comes from a client address of its own, as people do: the test plays the ingress proxy, which
 * appends the address it received the request from to {@code X-Forwarded-For} (one trusted hop, the default of
 * {@code idp.http.trusted-proxy-hops}). So the per-address limits of one test never reach another; a test about
 * those limits sets the header itself ({@link #header}).
 */
public final class TestBrowser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final WebTestClient http;
    private final Map<String, String> cookies;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String lastPage = "";

    private final URI base;

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    public TestBrowser(int port) {
        this(port, new LinkedHashMap<>());
        headers.put("X-Forwarded-For", newClientAddress());
    }

    /** An address no other test client has used in this JVM (198.18.0.0/15, the benchmarking range). */
    public static String newClientAddress() {
        int n = CLIENTS.incrementAndGet();
        return "198." + (18 + (n >> 16 & 1)) + "." + (n >> 8 & 0xff) + "." + (n & 0xff);
    }

    private TestBrowser(int port, Map<String, String> cookies) {
        this.cookies = cookies;
        this.base = URI.create("http://localhost:" + port + "/");
        this.http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    public record Response(HttpStatus status, URI location, String body, HttpHeaders headers) {
        /** The first value of a response header, or null. */
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String query(String name) {
            return org.springframework.web.util.UriComponentsBuilder.fromUri(location).build().getQueryParams().getFirst(name);
        }
    }

    /** Sends this header with every request from now on (e.g. {@code X-Forwarded-For}, a client address). */
    public TestBrowser header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Response get(String uri) {
        EntityExchangeResult<byte[]> result = http.get().uri(base.resolve(uri))
                .cookies(c -> cookies.forEach(c::add))
                .headers(h -> headers.forEach(h::set))
                .exchange().expectBody().returnResult();
        return record(result);
    }

    public Response post(String uri, Map<String, String> fields) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        fields.forEach(form::add);
        Matcher m = CSRF.matcher(lastPage);
        if (m.find() && !fields.containsKey("_csrf")) {
            form.add("_csrf", m.group(1));
        }
        EntityExchangeResult<byte[]> result = http.post().uri(base.resolve(uri))
                .cookies(c -> cookies.forEach(c::add))
                .headers(h -> headers.forEach(h::set))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange().expectBody().returnResult();
        return record(result);
    }

    /** Follows one redirect to a path of this service (relative or absolute on localhost). */
    public Response follow(Response redirect) {
        assertThat(redirect.status().is3xxRedirection()).as("redirect expected, got %s", redirect.status()).isTrue();
        URI target = redirect.location();
        return get(target.isAbsolute() ? target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                : target.toString());
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    /**
     * The same browser talking to another instance of the service (another port, one shared cookie jar), as
     * when a load balancer sends its next request to another replica.
     */
    public TestBrowser on(int otherPort) {
        TestBrowser other = new TestBrowser(otherPort, cookies);
        other.lastPage = lastPage;
        other.headers.putAll(headers);
        return other;
    }

    /** The cookies this browser holds now (a copy). */
    public Map<String, String> cookies() {
        return Map.copyOf(cookies);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    public void forget(String cookie) {
        cookies.remove(cookie);
    }

    private Response record(EntityExchangeResult<byte[]> result) {
        result.getResponseCookies().forEach((name, list) -> list.forEach(c -> {
            if (c.getMaxAge().isZero() || c.getValue().isEmpty()) {
                cookies.remove(name);
            } else {
                cookies.put(name, c.getValue());
            }
        }));
        byte[] body = result.getResponseBody();
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        if (result.getResponseHeaders().getContentType() != null
                && result.getResponseHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML)) {
            lastPage = text;
        }
        return new Response(HttpStatus.valueOf(result.getStatus().value()), result.getResponseHeaders().getLocation(), text,
                result.getResponseHeaders());
    }
}
