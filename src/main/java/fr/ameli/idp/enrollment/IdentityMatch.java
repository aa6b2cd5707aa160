package fr.ameli.idp.enrollment;

import fr.ameli.idp.registry.BirthDate;
import fr.ameli.idp.registry.InsuredPerson;
import fr.ameli.idp.registry.NameNormalizer;

/**
 * Step 1 of the carte Vitale path (SPEC 3.2.1): the person found by NIR is the one who typed the form when
 * the name is their birth or usage name (case, accents, hyphens, apostrophes and spaces ignored), the birth
 * date is theirs, and the postal code is their current or a former one.
 */
final class IdentityMatch {

    private IdentityMatch() {
    }

    static boolean matches(InsuredPerson person, String name, BirthDate birthDate, String postalCode) {
        boolean nameMatches = NameNormalizer.sameName(name, person.birthName())
                || (person.usageName() != null && NameNormalizer.sameName(name, person.usageName()));
        return nameMatches && person.birthDate().equals(birthDate) && person.livesOrLivedIn(postalCode.trim());
    }
}
