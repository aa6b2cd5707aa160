package fr.ameli.idp.web;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;

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

    private final MeterRegistry meters;
    private final String name;
    private final String method;
    private final String uri;
    private final Clock clock;
    private final int status;
    private final Timer ok;

    /** The timers of {@code method} on {@code uri}, whose answer in front has the status {@code status} (200, 303). */
    public InFrontRequests(MeterRegistry meters, String name, String method, String uri, int status) {
        this.meters = meters;
        this.name = name;
        this.method = method;
        this.uri = uri;
        this.clock = meters.config().clock();
        this.status = status;
        this.ok = timer(status / 100 == 3 ? "REDIRECTION" : "SUCCESS", Integer.toString(status));
    }

    /** The registry's monotonic time, in nanoseconds: where a duration starts. */
    public long start() {
        return clock.monotonicTime();
    }

    /** An answer written, with the status given at construction. */
    public void ok(long start) {
        ok.record(clock.monotonicTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** A connection closed by the client before ({@code committed} false) or during the answer. */
    public void aborted(boolean committed, long start) {
        timer("UNKNOWN", committed ? Integer.toString(status) : "UNKNOWN")
                .record(clock.monotonicTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer timer(String outcome, String status) {
        return Timer.builder(name).tags("error", "none", "exception", "none", "method", method, "outcome", outcome,
                "status", status, "uri", uri).register(meters);
    }

    /**
     * What an endpoint answering in front of the pipeline does about the request metric: its timers ({@code timers},
     * null without a meter registry), or, when they could not be the observation's series ({@code conflict}: why),
     * leave its requests to the pipeline.
     */
    public record Choice(@Nullable String conflict, @Nullable InFrontRequests timers) {
    }

    public static Choice choose(ObjectProvider<MeterRegistry> meters, ObjectProvider<ObservationProperties> observations,
            ObjectProvider<ServerRequestObservationConvention> conventions, String method, String uri, int status) {
        MeterRegistry registry = meters.getIfAvailable();
        ObservationProperties properties = observations.getIfAvailable(ObservationProperties::new);
        // Boot declares Spring's default convention as a bean, unless the application has its own.
        ServerRequestObservationConvention convention = conventions.getIfAvailable();
        boolean customConvention = convention != null
                && convention.getClass() != DefaultServerRequestObservationConvention.class;
        if (registry == null) {
            return new Choice(null, null);
        }
        String conflict = conflict(properties, customConvention);
        return conflict != null ? new Choice(conflict, null) : new Choice(null,
                new InFrontRequests(registry, properties.getHttp().getServer().getRequests().getName(), method, uri,
                        status));
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
