package fr.ameli.idp.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns {@link InsecureSecretsException} into Boot's "APPLICATION FAILED TO START" report, with the fix. */
final class InsecureSecretsFailureAnalyzer extends AbstractFailureAnalyzer<InsecureSecretsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InsecureSecretsException cause) {
        return new FailureAnalysis("The service refuses to start with secrets anyone can know or guess:\n  - "
                + String.join("\n  - ", cause.problems()),
                "Give each secret its own random value of at least " + SecretsGuard.MIN_BYTES + " bytes through the "
                        + "environment (a Kubernetes Secret, README \"Security\"), e.g. IDP_KEYS_ENCRYPTION_KEY=$(openssl "
                        + "rand -base64 32), IDP_SUBJECT_PAIRWISE_SECRET=$(openssl rand -base64 48), and the client secret "
                        + "the federation provider gave as IDP_FEDERATION_CLIENT_SECRET. Keep the encryption key and the "
                        + "pairwise secret once chosen: the stored signing keys and every subject given to relying parties "
                        + "depend on them.", cause);
    }
}
