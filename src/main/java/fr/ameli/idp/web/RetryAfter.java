package fr.ameli.idp.web;

import java.time.Duration;
import org.springframework.http.HttpHeaders;

/**
 * The {@code Retry-After} header of a response refused by a limit (RFC 9110 §10.2.3), on pages and in the app
 * API alike: the seconds until the refusing window ends, at least one (a client that retries at once is refused
 * again).
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static String seconds(Duration wait) {
        return Long.toString(Math.max(1, wait.toSeconds()));
    }

    public static void set(HttpHeaders headers, Duration wait) {
        headers.set(HttpHeaders.RETRY_AFTER, seconds(wait));
    }
}
