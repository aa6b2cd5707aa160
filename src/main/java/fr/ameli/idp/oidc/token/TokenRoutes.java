package fr.ameli.idp.oidc.token;

import com.nimbusds.jose.util.JSONObjectUtils;
import fr.ameli.idp.oidc.shared.ClientAuthenticator;
import fr.ameli.idp.oidc.shared.DpopProofs;
import fr.ameli.idp.oidc.shared.Params;
import fr.ameli.idp.platform.Secrets;
import fr.ameli.idp.web.HandOver;
import fr.ameli.idp.web.InFrontRequests;
import fr.ameli.idp.web.SecurityHeaders;
import fr.ameli.idp.web.error.ErrorChannel;
import fr.ameli.idp.web.error.ErrorRenderer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.ForwardedHeaderTransformer;
import reactor.core.publisher.Mono;

/** The token endpoint (RFC 6749 §3.2) and token revocation (RFC 7009). */
@Configuration(proxyBeanMethods = false)
public class TokenRoutes {

    /**
     * The token endpoint's form post in front of the pipeline ({@link DirectToken}), timed in the request metric's
     * series; through the pipeline like the rest if the metric is configured otherwise than those timers assume.
     */
    @Bean
    HttpHandlerDecoratorFactory directToken(TokenEndpoint endpoint, ForwardedHeaderTransformer clientAddress,
            ServerCodecConfigurer codecs,
            SecurityHeaders securityHeaders, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationProperties> observations,
            ObjectProvider<ServerRequestObservationConvention> conventions) {
        return InFrontRequests.decorator(meters, observations, conventions, "POST", DirectToken.PATH, 200,
                timers -> new DirectToken(endpoint, clientAddress, formReader(codecs), securityHeaders, timers));
    }

    /** The form reader the pipeline's {@code formData()} uses, so that a form reads the same in front of it. */
    @SuppressWarnings("unchecked")
    private static HttpMessageReader<MultiValueMap<String, String>> formReader(ServerCodecConfigurer codecs) {
        ResolvableType form = ResolvableType.forClassWithGenerics(MultiValueMap.class, String.class, String.class);
        return (HttpMessageReader<MultiValueMap<String, String>>) codecs.getReaders().stream()
                .filter(reader -> reader.canRead(form, MediaType.APPLICATION_FORM_URLENCODED))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no form reader among the server's codecs"));
    }

    @Bean
    RouterFunction<ServerResponse> tokenRouter(ClientAuthenticator clients, TokenEndpoint endpoint,
            DatabaseClient db, ErrorRenderer errors) {
        return ErrorChannel.OAUTH.declare(RouterFunctions.route()
                .POST("/token", request -> Params.of(request)
                        // A request that began in front of the pipeline and failed there brings its failure along.
                        .flatMap(params -> HandOver.failureOr(() -> endpoint.answer(request.exchange().getRequest(),
                                params)))
                        .flatMap(body -> ServerResponse.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .cacheControl(CacheControl.noStore())
                                .header(HttpHeaders.PRAGMA, "no-cache")
                                .bodyValue(JSONObjectUtils.toJSONString(body)))
                        .onErrorResume(DpopProofs.DpopException.class, DpopProofs.DpopException::tokenEndpointResponse)
                        .onErrorResume(errors::json))
                .POST("/revoke", request -> Params.of(request)
                        .flatMap(params -> clients.authenticate(request, params)
                                .flatMap(client -> revoke(db, client.clientId(), params)))
                        .then(ServerResponse.ok().cacheControl(CacheControl.noStore()).build())
                        .onErrorResume(errors::json))
                .build());
    }

    /**
     * RFC 7009 §2.2: the answer is 200 whether or not the token was known, so that the endpoint tells
     * nothing; a token of another client is left alone. Access tokens are the only tokens issued.
     */
    private static Mono<Void> revoke(DatabaseClient db, String clientId, Params params) {
        // token_type_hint is only a hint (RFC 7009 §2.1): access tokens are the only kind issued here.
        String token = params.required("token");
        return db.sql("update access_token set revoked_at = now() where token_hash = :hash and client_id = :client "
                        + "and revoked_at is null")
                .bind("hash", Secrets.sha256(token))
                .bind("client", clientId)
                .then();
    }
}
