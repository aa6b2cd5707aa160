package fr.ameli.idp.enrollment;

/**
 * The transitions of account creation, as one pure function of the facts (NOP's "first missing prompt"):
 * a step is current exactly when every earlier fact is established and its own is not. No URL, request
 * order or stored step can skip one.
 */
final class EnrollmentFlow {

    private EnrollmentFlow() {
    }

    static EnrollmentStep next(Enrollment e) {
        if (e.failure() != null) {
            return EnrollmentStep.FAILED;
        }
        if (e.nir() == null || e.identityVerifiedAt() == null) {
            return EnrollmentStep.IDENTITY;
        }
        if (e.proofVerifiedAt() == null) {
            return EnrollmentStep.PROOF;
        }
        if (e.cguAcceptedAt() == null) {
            return EnrollmentStep.CGU;
        }
        if (e.passwordHash() == null) {
            return EnrollmentStep.PASSWORD;
        }
        if (e.accountId() == null) {
            return EnrollmentStep.CONTACT;
        }
        return EnrollmentStep.EMAIL_CONFIRMATION;
    }
}
