package fr.ameli.idp.enrollment;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What a step handler returns (never a side effect on a context, unlike Keycloak's authenticators):
 * the enrollment moved on, the input was wrong (re-render with field messages), or the attempt failed.
 */
sealed interface StepOutcome {

    /**
     * Facts established. {@code effect} is database work that must commit together with the enrollment
     * (creating the account, its confirmation link and mail): the dispatcher runs both in one transaction.
     */
    record Advanced(Enrollment enrollment, Mono<Void> effect) implements StepOutcome {
        Advanced(Enrollment enrollment) {
            this(enrollment, Mono.empty());
        }
    }

    /**
     * Wrong input: message keys per field ({@code _global} for the form), values to show again, and the
     * enrollment to save when the mistake itself counts (an attempt counter, a lock).
     */
    record Invalid(Map<String, String> errors, Map<String, Object> model, @Nullable Enrollment counted)
            implements StepOutcome {
        Invalid(Map<String, String> errors) {
            this(errors, Map.of(), null);
        }

        Invalid(Map<String, String> errors, Map<String, Object> model) {
            this(errors, model, null);
        }
    }

    record Failed(Enrollment enrollment) implements StepOutcome {
    }

    /** Thrown by an {@code effect} whose input turns out wrong inside the transaction (an email already taken). */
    final class Rejected extends RuntimeException {
        private final Map<String, String> errors;

        Rejected(Map<String, String> errors) {
            super("step input rejected", null, false, false);
            this.errors = Map.copyOf(errors);
        }

        Map<String, String> errors() {
            return errors;
        }
    }
}
