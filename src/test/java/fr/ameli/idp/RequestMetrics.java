package fr.ameli.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code http.server.requests} series of one route, as Prometheus scrapes them from the management port. */
public final class RequestMetrics {

    private static final Pattern COUNT = Pattern.compile("(?m)^http_server_requests_seconds_count\\{([^}]*)} (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RequestMetrics() {
    }

    /** The count of each series of {@code uri}, by its labels. */
    public static Map<String, Double> counts(int managementPort, String uri) throws Exception {
        HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Map<String, Double> counts = new TreeMap<>();
        Matcher m = COUNT.matcher(scrape.body());
        while (m.find()) {
            if (m.group(1).contains("uri=\"" + uri + "\"")) {
                counts.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return counts;
    }

    /** The count of the one series whose labels contain every one of {@code labels} (0 without such a series). */
    public static double count(Map<String, Double> counts, String... labels) {
        return counts.entrySet().stream().filter(e -> hasAll(e.getKey(), labels)).mapToDouble(Map.Entry::getValue)
                .findFirst().orElse(0.0);
    }

    /** The labels of the one series whose labels contain every one of {@code labels}. */
    public static String series(Map<String, Double> counts, String... labels) {
        return counts.keySet().stream().filter(key -> hasAll(key, labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no series with " + String.join(", ", labels) + " in " + counts));
    }

    private static boolean hasAll(String key, String... labels) {
        for (String label : labels) {
            if (!key.contains(label)) {
                return false;
            }
        }
        return true;
    }
}
