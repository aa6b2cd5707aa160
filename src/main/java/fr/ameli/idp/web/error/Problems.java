package fr.ameli.idp.web.error;

import java.net.URI;
import java.util.function.Consumer;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * RFC 9457 problem documents of the app API ({@link ErrorChannel#PROBLEM}): Spring's {@link ProblemDetail} written
 * by the WebFlux Jackson codecs as {@code application/problem+json}, with {@code type}
 * {@value #TYPE_BASE}{@code <code>}, a {@code title} in English, the {@code status}, and the stable {@code code} the
 * app switches on; extension members (such as {@code errors} or {@code step}) are {@link ProblemDetail#setProperty}.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://ameli.example/problems/";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String code, String title) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create(TYPE_BASE + code));
        problem.setTitle(title);
        problem.setProperty("code", code);
        return problem;
    }

    public static Mono<ServerResponse> respond(ProblemDetail problem) {
        return respond(problem, headers -> { });
    }

    public static Mono<ServerResponse> respond(ProblemDetail problem, Consumer<HttpHeaders> headers) {
        return ServerResponse.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .cacheControl(CacheControl.noStore())
                .headers(headers)
                .bodyValue(problem);
    }
}
