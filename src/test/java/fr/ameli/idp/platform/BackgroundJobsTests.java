package fr.ameli.idp.platform;

import static org.assertj.core.api.Assertions.assertThat;

import fr.ameli.idp.IdpIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Every loop of the application is a job of the one runner, with its metrics. */
@IdpIntegrationTest
class BackgroundJobsTests {

    @Autowired
    BackgroundJobs jobs;

    @LocalManagementPort
    int managementPort;

    @Test
    void namesWhenApplicationStartedThenEveryBackgroundLoopIsAJob() {
        assertThat(jobs.names()).containsExactlyInAnyOrder("mail-sender", "signing-keys", "relying-parties",
                "forget-unconfirmed-addresses", "retention-sweep", "backchannel-logout");
        assertThat(jobs.isRunning()).isTrue();
    }

    @Test
    void prometheusWhenScrapedThenJobMetricsPerJob() {
        WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort).build()
                .get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains("idp_job_run_seconds_count{", "job=\"retention-sweep\"", "job=\"signing-keys\"",
                                "outcome=\"failure\"")
                        .contains("idp_job_last_success_time_seconds{")
                        .contains("idp_retention_deleted_total{", "table=\"pending_authorization\"")
                        .contains("idp_retention_skipped_total"));
    }
}
