package fr.ameli.idp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One person's browser, or one relying party's back channel: the JDK HTTP client (HTTP/1.1, keep-alive, shared by
 * all the virtual users), a cookie jar of its own, and no automatic redirects: each hop is checked by the caller.
 */
final class Browser {

    /** One client for every virtual user: its pool keeps one keep-alive connection per concurrent user. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> cookies = new LinkedHashMap<>();

    record Response(int status, HttpResponse<String> raw) {
        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse("");
        }

        URI location() {
            return raw.uri().resolve(raw.headers().firstValue("location")
                    .orElseThrow(() -> new Failure("no Location in a " + status + " response to " + raw.uri())));
        }
    }

    /** A check that failed: counted as an error of the operation. */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    Response get(URI uri, String... headers) throws IOException, InterruptedException {
        return send(request(uri, headers).GET());
    }

    Response postForm(URI uri, Map<String, String> form, String... headers) throws IOException, InterruptedException {
        return send(request(uri, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    }

    void clearCookies() {
        cookies.clear();
    }

    boolean hasCookie(String name) {
        return cookies.containsKey(name);
    }

    private HttpRequest.Builder request(URI uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return b;
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String setCookie : response.headers().allValues("set-cookie")) {
            remember(setCookie);
        }
        return new Response(response.statusCode(), response);
    }

    /** Keeps a cookie, or forgets it when the server clears it (empty value, Max-Age=0, or an expiry in 1970). */
    private void remember(String setCookie) {
        String[] parts = setCookie.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        boolean cleared = value.isEmpty();
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
            if (attribute.equals("max-age=0") || attribute.startsWith("expires=") && attribute.contains("1970")) {
                cleared = true;
            }
        }
        if (cleared) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** The first value of a query parameter of a URI. */
    static Optional<String> query(URI uri, String name) {
        String raw = uri.getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    static Response expect(Response r, int... statuses) {
        for (int s : statuses) {
            if (r.status() == s) {
                return r;
            }
        }
        List<Integer> wanted = new ArrayList<>();
        for (int s : statuses) {
            wanted.add(s);
        }
        String body = r.body() == null ? "" : r.body();
        throw new Failure(r.raw().request().method() + " " + r.raw().uri().getPath() + ": status " + r.status()
                + " instead of " + wanted + (r.status() >= 300 && r.status() < 400 ? " → " + r.header("location")
                : " " + body.substring(0, Math.min(200, body.length())).replaceAll("\\s+", " ")));
    }
}
