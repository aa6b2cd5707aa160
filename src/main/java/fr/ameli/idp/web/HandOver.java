package fr.ameli.idp.web;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * How an endpoint answered in front of the pipeline (the token endpoint's form post, the authorization endpoint's GET)
 * hands a request it does not answer to the pipeline: with the failure its work met, in the Reactor context, so that
 * the routed handler renders that failure through the one error hierarchy instead of doing the work again (a wrong
 * secret counted twice, a pushed request used twice); or without one, when nothing was done that the pipeline would do
 * twice (a query or form the parameter rules refuse, read again).
 */
public final class HandOver {

    private HandOver() {
    }

    /**
     * What the work in front ended with: the answer to write, the failure to hand over, or neither (handed over to be
     * done again).
     */
    public record Outcome<T>(@Nullable T answer, @Nullable Throwable failure) {

        public static <T> Outcome<T> doneAgain() {
            return new Outcome<>(null, null);
        }
    }

    /** The context key of a failure met in front. */
    private record Failed(Throwable failure) {
    }

    /**
     * The request with the client address the pipeline would give it ({@code ForwardedHeaderTransformer}, the trusted
     * proxy hop's), or null when its forwarding headers are malformed: the pipeline meets the same and answers it
     * (400), so such a request is not answered in front.
     */
    public static @Nullable ServerHttpRequest addressed(ForwardedHeaderTransformer clientAddress, ServerHttpRequest request) {
        try {
            return clientAddress.apply(request);
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    /** {@code work}'s answer, or the failure it met (an end without an answer is one too): never an error signal. */
    public static <T> Mono<Outcome<T>> settle(Supplier<Mono<T>> work) {
        return Mono.defer(work)
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("no answer")))
                .map(answer -> new Outcome<T>(answer, null))
                .onErrorResume(failure -> Mono.just(new Outcome<>(null, failure)));
    }

    /** The request to the pipeline, with the failure met in front (none: the pipeline does the work). */
    public static Mono<Void> toPipeline(HttpHandler next, ServerHttpRequest request, ServerHttpResponse response,
            @Nullable Throwable failure) {
        Mono<Void> handled = next.handle(request, response);
        return failure == null ? handled : handled.contextWrite(Context.of(Failed.class, new Failed(failure)));
    }

    /** In the routed handler: the failure met in front of the pipeline for this request, or else {@code work}. */
    public static <T> Mono<T> failureOr(Supplier<Mono<T>> work) {
        return Mono.deferContextual(context -> context.<Failed>getOrEmpty(Failed.class)
                .map(failed -> Mono.<T>error(failed.failure()))
                .orElseGet(work));
    }
}
