package fr.ameli.idp.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The {@code http.server.requests} timers of what an endpoint answers in front of the pipeline (userinfo's bearer
 * GET, the token endpoint's form post, the authorization endpoint's GET), with the tags the request's observation
 * gives the same outcome (Spring's {@code DefaultServerRequestObservationConvention} and Micrometer's {@code error}
 * tag), so that they are the series the routed handler fed: the answer's status (200, or 303 for the authorization
 * endpoint's redirect), and a connection the client closed during the answer (that status once the response is
 * committed, UNKNOWN before; outcome UNKNOWN). Prometheus wants every series of a metric with the same tag names;
 * DirectUserinfoTests, DirectTokenTests and DirectAuthorizeTests compare them with the pipeline's.
 *
 * <p>What they do not show: a request handed over to the pipeline is timed by the pipeline's observation, from its
 * own start (what was done in front is not in that duration); a write that fails is not timed;
 * {@code http.server.requests.active} is off in this service's configuration anyway.
 */
public final class InFrontRequests {

    private static final Logger log = LoggerFactory.getLogger(InFrontRequests.class);

    /** Timers that time nothing, for a service without a meter registry. */
    static final InFrontRequests NONE = new InFrontRequests(null, "", "", "", 0);

    private final @Nullable MeterRegistry meters;
    private final String name;
    private final String method;
    private final String uri;
    private final int status;
    private final @Nullable Timer ok;

    /** The timers of {@code method} on {@code uri}, whose answer in front has the status {@code status} (200, 303). */
    InFrontRequests(@Nullable MeterRegistry meters, String name, String method, String uri, int status) {
        this.meters = meters;
        this.name = name;
        this.method = method;
        this.uri = uri;
        this.status = status;
        this.ok = meters == null ? null : timer(status / 100 == 3 ? "REDIRECTION" : "SUCCESS", Integer.toString(status));
    }

    /**
     * The decorator that answers {@code method} on {@code uri} in front of the pipeline, made by {@code inFront} with
     * the timers of its answers; none (the pipeline answers everything) when those timers could not be the request
     * observation's series ({@link #conflict}).
     */
    public static HttpHandlerDecoratorFactory decorator(ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationProperties> observations,
            ObjectProvider<ServerRequestObservationConvention> conventions, String method, String uri, int status,
            Function<InFrontRequests, HttpHandlerDecoratorFactory> inFront) {
        MeterRegistry registry = meters.getIfAvailable();
        if (registry == null) {
            return inFront.apply(NONE);
        }
        ObservationProperties properties = observations.getIfAvailable(ObservationProperties::new);
        // Boot declares Spring's default convention as a bean, unless the application has its own.
        ServerRequestObservationConvention convention = conventions.getIfAvailable();
        boolean customConvention = convention != null
                && convention.getClass() != DefaultServerRequestObservationConvention.class;
        String conflict = conflict(properties, customConvention);
        if (conflict != null) {
            log.info("{} {} answered by the WebFlux pipeline, not in front of it: {}", method, uri, conflict);
            return next -> next;
        }
        return inFront.apply(new InFrontRequests(registry, properties.getHttp().getServer().getRequests().getName(),
                method, uri, status));
    }

    /** Where a duration starts: the registry's monotonic time, in nanoseconds. */
    public long start() {
        return meters == null ? 0 : meters.config().clock().monotonicTime();
    }

    /** {@code written} (the answer in front), timed from {@code start} when it completes or the client goes away. */
    public Mono<Void> timed(Mono<Void> written, ServerHttpResponse response, long start) {
        Timer timer = ok;
        return timer == null ? written : written
                .doOnSuccess(done -> timer.record(elapsed(start), TimeUnit.NANOSECONDS))
                .doOnCancel(() -> aborted(response.isCommitted(), start));
    }

    /** {@code work}, what is done before an answer is written: timed as aborted if the client goes away meanwhile. */
    public <T> Mono<T> untilAnswered(Mono<T> work, long start) {
        // Not doOnCancel on the whole answer: it would also run when the write is cancelled, which timed() counts.
        return meters == null ? work : work.doFinally(signal -> {
            if (signal == SignalType.CANCEL) {
                aborted(false, start);
            }
        });
    }

    /** A connection closed by the client before ({@code committed} false) or during the answer. */
    public void aborted(boolean committed, long start) {
        if (meters != null) {
            timer("UNKNOWN", committed ? Integer.toString(status) : "UNKNOWN").record(elapsed(start), TimeUnit.NANOSECONDS);
        }
    }

    private long elapsed(long start) {
        return start() - start;
    }

    private Timer timer(String outcome, String status) {
        return Timer.builder(name).tags("error", "none", "exception", "none", "method", method, "outcome", outcome,
                "status", status, "uri", uri).register(java.util.Objects.requireNonNull(meters));
    }

    /**
     * Why timers as above would not be the observation's, or null. Another convention, tags added to every
     * observation, or the observation turned off would make them another series, or a series with other tag names
     * that Prometheus refuses — and with it every {@code http.server.requests} meter registered after it.
     */
    public static @Nullable String conflict(ObservationProperties observations, boolean customConvention) {
        if (customConvention) {
            return "a ServerRequestObservationConvention bean names the tags of the request metric";
        }
        if (!observations.getKeyValues().isEmpty()) {
            return "management.observations.key-values adds tags to every observation";
        }
        String name = observations.getHttp().getServer().getRequests().getName();
        for (Map.Entry<String, Boolean> e : observations.getEnable().entrySet()) {
            String prefix = e.getKey();
            boolean matches = prefix.equals("all") || name.equals(prefix) || name.startsWith(prefix + ".");
            if (matches && !e.getValue()) {
                return "management.observations.enable." + e.getKey() + " turns the request observation off";
            }
        }
        return null;
    }
}
