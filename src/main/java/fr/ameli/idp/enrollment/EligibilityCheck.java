package fr.ameli.idp.enrollment;

import fr.ameli.idp.registry.InsuredPerson;
import java.util.Optional;

/**
 * The exclusions of immediate creation (SPEC 3.2.2, seed 004 « cas d'exclusion »), checked in a fixed
 * order so that each person gets the one reason that applies first. The carte Vitale and IBAN rules apply
 * to the carte Vitale path only; the federated path skips them.
 */
final class EligibilityCheck {

    private EligibilityCheck() {
    }

    static Optional<EnrollmentFailure> carteVitalePath(InsuredPerson person, boolean accountExists) {
        Optional<EnrollmentFailure> common = federatedPath(person, accountExists);
        if (common.isPresent()) {
            return common;
        }
        if (person.ibans().isEmpty()) {
            return Optional.of(EnrollmentFailure.NO_BANK_DETAILS);
        }
        if (person.ibans().size() > 1) {
            return Optional.of(EnrollmentFailure.SEVERAL_IBANS);
        }
        if (!person.carteVitaleActive() || person.carteVitaleSerial() == null) {
            return Optional.of(EnrollmentFailure.NO_ACTIVE_CARTE_VITALE);
        }
        return Optional.empty();
    }

    static Optional<EnrollmentFailure> federatedPath(InsuredPerson person, boolean accountExists) {
        if (accountExists || person.accountElsewhere()) {
            return Optional.of(EnrollmentFailure.ACCOUNT_EXISTS);
        }
        if (!person.scheme().allowsOnlineCreation()) {
            return Optional.of(EnrollmentFailure.SCHEME_NOT_ELIGIBLE);
        }
        if (person.nir().provisional() || !person.nirCertified()) {
            return Optional.of(EnrollmentFailure.NIR_NOT_CERTIFIED);
        }
        return Optional.empty();
    }
}
