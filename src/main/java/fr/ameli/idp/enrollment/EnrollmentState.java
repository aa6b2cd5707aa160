package fr.ameli.idp.enrollment;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The app API's view of an attempt ({@code /api/v1/enrollments}, schema {@code State} of the OpenAPI document): its
 * secret {@code id}, the current {@code step}, when it expires, the exclusion reason if any, and what the step shows
 * (such as {@code ibanMasque}), as top-level members.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollmentState(String id, String step, @JsonProperty("expires_at") String expiresAt,
        @Nullable String failure, @JsonAnyGetter Map<String, Object> shown) {

    public static Mono<EnrollmentState> of(String id, Enrollment e, EnrollmentService service) {
        return service.model(e).map(model -> new EnrollmentState(id, e.step().slug(), e.expiresAt().toString(),
                e.failure() == null ? null : e.failure().code(), model));
    }
}
