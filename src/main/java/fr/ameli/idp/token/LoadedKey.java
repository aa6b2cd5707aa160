package fr.ameli.idp.token;

import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;

/**
 * A signing key in memory: its schedule, its public JWK (as published), its private JWK, and the signer
 * ({@link PerThreadSigner}) and Nimbus verifier built once for it, so that no request pays for key conversion.
 */
record LoadedKey(KeySchedule schedule, JWK publicJwk, JWK privateJwk, JWSSigner signer, JWSVerifier verifier) {

    String kid() {
        return schedule.kid();
    }

    /** The same key material under a schedule read again from the database. */
    LoadedKey withSchedule(KeySchedule updated) {
        return updated.equals(schedule) ? this : new LoadedKey(updated, publicJwk, privateJwk, signer, verifier);
    }

    @Override
    public String toString() {
        return "LoadedKey[" + schedule + "]";
    }
}
