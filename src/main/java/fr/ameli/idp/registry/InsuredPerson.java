package fr.ameli.idp.registry;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A person known to the health insurance (SPEC 3.1). Built only from validated values; its
 * {@code toString} leaves out the NIR, the IBANs and the carte Vitale serial so that it may be logged.
 */
public record InsuredPerson(
        Nir nir,
        String birthName,
        @Nullable String usageName,
        String givenNames,
        Gender gender,
        BirthDate birthDate,
        @Nullable String birthplace,
        String birthcountry,
        String postalCode,
        List<String> formerPostalCodes,
        Scheme scheme,
        boolean nirCertified,
        @Nullable String carteVitaleSerial,
        boolean carteVitaleActive,
        List<FrenchIban> ibans,
        @Nullable String email,
        boolean accountElsewhere) {

    public InsuredPerson {
        formerPostalCodes = List.copyOf(formerPostalCodes);
        ibans = List.copyOf(ibans);
    }


    public boolean livesOrLivedIn(String postal) {
        return postalCode.equals(postal) || formerPostalCodes.contains(postal);
    }

    @Override
    public String toString() {
        return "InsuredPerson[" + birthName + ", scheme=" + scheme + "]";
    }
}
