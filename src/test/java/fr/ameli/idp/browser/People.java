package fr.ameli.idp.browser;

import fr.ameli.idp.registry.TestInsuredPersons;

/**
 * The browser tests' own people (not DEMO-DATA's, whose state other tests rely on): NIRs {@code 1 77 03 44 109 0xx},
 * born 01/03/1977 in Nantes (44109), living in 44000, régime général, an active carte Vitale whose serial ends with
 * {@link #serialEnd}, and one IBAN ending with {@code 3024474}.
 */
final class People {

    static final String BIRTH_DATE = "01/03/1977";
    static final String POSTAL_CODE = "44000";
    static final String IBAN_END = "3024474";

    private People() {
    }

    /** An eligible person of the registry (carte Vitale + IBAN path), without an account. */
    static TestInsuredPersons.Builder eligible(String nir13, String name) {
        return TestInsuredPersons.eligible(nir13, name).givenNames("Camille").female().birthDate("1977-03-01")
                .postalCode(POSTAL_CODE).carteVitaleSerial(serial(nir13));
    }

    /** The last 11 digits of the person's carte Vitale serial number. */
    static String serialEnd(String nir13) {
        return serial(nir13).substring(11);
    }

    private static String serial(String nir13) {
        return "80250077" + nir13.substring(0, 10) + "0077";
    }
}
