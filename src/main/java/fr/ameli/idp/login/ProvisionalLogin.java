package fr.ameli.idp.login;

import fr.ameli.idp.account.Account;
import fr.ameli.idp.enrollment.ActivationRecovery;
import fr.ameli.idp.enrollment.ActivationRecoveryRoutes;
import fr.ameli.idp.enrollment.Enrollment;
import fr.ameli.idp.enrollment.EnrollmentProperties;
import fr.ameli.idp.enrollment.EnrollmentRoutes;
import fr.ameli.idp.enrollment.EnrollmentService;
import fr.ameli.idp.enrollment.LinkWindows;
import fr.ameli.idp.platform.IdpProperties;
import fr.ameli.idp.provisional.ProvisionalCodeProperties;
import fr.ameli.idp.provisional.ProvisionalCodes;
import fr.ameli.idp.registry.Nir;
import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * What a login leads to beyond « connected »: a right provisional code (the enrollment of SPEC 3.4, or the forced
 * new personal code of SPEC 3.5), and a PENDING account whose activation link is dead (seed 001). Each emits the
 * cookie to set; the cookie's path is where the browser goes next.
 */
@Component
class ProvisionalLogin {

    static final String RESET_COOKIE = "AMELI_NOUVEAU_CODE";

    private final ProvisionalCodes codes;
    private final EnrollmentService enrollment;
    private final ActivationRecovery recovery;
    private final IdpProperties idp;
    private final EnrollmentProperties enrollmentProperties;
    private final ProvisionalCodeProperties properties;

    ProvisionalLogin(ProvisionalCodes codes, EnrollmentService enrollment, ActivationRecovery recovery, IdpProperties idp,
            EnrollmentProperties enrollmentProperties, ProvisionalCodeProperties properties) {
        this.codes = codes;
        this.enrollment = enrollment;
        this.recovery = recovery;
        this.idp = idp;
        this.enrollmentProperties = enrollmentProperties;
        this.properties = properties;
    }

    /** Uses the code up and starts the provisional-code enrollment; empty when the code was used meanwhile. */
    Mono<ResponseCookie> enroll(Nir nir, UUID codeId, String auth) {
        return startEnrollment(Enrollment.Channel.WEB, nir, codeId, auth)
                .map(started -> EnrollmentRoutes.cookie(started.handle(), idp, enrollmentProperties));
    }

    /** The same for any channel (the app gets the attempt's id); empty when the code was used meanwhile. */
    Mono<EnrollmentService.Started> startEnrollment(Enrollment.Channel channel, Nir nir, UUID codeId, String auth) {
        return codes.consume(codeId).filter(Boolean::booleanValue)
                .flatMap(used -> enrollment.startProvisional(channel, nir, auth.isEmpty() ? null : auth));
    }

    /** Uses the code up; this browser must now choose a new personal code. Empty when the code was used meanwhile. */
    Mono<ResponseCookie> startReset(UUID codeId, String auth) {
        return codes.startReset(codeId, auth.isEmpty() ? null : auth).map(handle -> resetCookie(handle, properties.resetTtl()));
    }

    /** A PENDING account whose link is dead or whose address is forgotten: the « Validation de mon email » page. */
    Mono<ResponseCookie> pending(Account account) {
        return recovery.phase(account.id())
                .filter(phase -> phase != LinkWindows.Phase.LIVE)
                .flatMap(phase -> recovery.open(account.id()))
                .map(handle -> ActivationRecoveryRoutes.cookie(handle, idp, enrollmentProperties));
    }

    static @Nullable String resetHandle(ServerRequest request) {
        HttpCookie cookie = request.cookies().getFirst(RESET_COOKIE);
        return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
    }

    ResponseCookie clearReset() {
        return resetCookie("", Duration.ZERO);
    }

    private ResponseCookie resetCookie(String handle, Duration maxAge) {
        return ResponseCookie.from(RESET_COOKIE, handle).httpOnly(true).secure(idp.secure()).sameSite("Lax")
                .path(NewCodeRoutes.PATH).maxAge(maxAge).build();
    }
}
