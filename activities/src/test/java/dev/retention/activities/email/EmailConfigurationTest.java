package dev.retention.activities.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.EmailProvider;
import dev.retention.activities.email.providers.LogEmailProvider;
import dev.retention.activities.email.providers.ResendEmailProvider;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which provider starts, and that a selected provider or a real deployment without keys won't. */
class EmailConfigurationTest {

  private final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withUserConfiguration(EmailConfiguration.class)
          .withBean(Clock.class, Clock::systemUTC)
          .withPropertyValues(
              "retention.email.unsubscribe-secret=config-test-secret-0123456789abcdef");

  @Test
  void retentionEmail_bindsToOneTypedRecord_withItsDefaults() {
    context
        .withPropertyValues(
            "retention.email.product-name=Insightly",
            "retention.email.sendgrid.webhook-tolerance=PT2M",
            "retention.email.resend.webhook-secret=whsec_abc")
        .run(
            ctx -> {
              EmailProperties email = ctx.getBean(EmailProperties.class);
              assertThat(email.provider()).isEqualTo("log");
              assertThat(email.productName()).isEqualTo("Insightly");
              assertThat(email.timeout()).isEqualTo(java.time.Duration.ofSeconds(20));
              assertThat(email.sendgrid().webhookTolerance())
                  .isEqualTo(java.time.Duration.ofMinutes(2));
              assertThat(email.sendgrid().apiKey()).isNull();
              assertThat(email.resend().webhookSecret()).isEqualTo("whsec_abc");
            });
  }

  @Test
  void logIsTheDefault() {
    context.run(
        ctx -> assertThat(ctx.getBean(EmailProvider.class)).isInstanceOf(LogEmailProvider.class));
  }

  @Test
  void sendGridAndResendAreChosenByConfiguration_withTheirKeysFromTheEnvironment() {
    context
        .withPropertyValues("retention.email.provider=sendgrid", "SENDGRID_API_KEY=SG.from-env")
        .run(
            ctx ->
                assertThat(ctx.getBean(EmailProvider.class))
                    .isInstanceOf(SendGridEmailProvider.class));
    context
        .withPropertyValues(
            "retention.email.provider=resend", "retention.email.resend.api-key=re_from_config")
        .run(
            ctx ->
                assertThat(ctx.getBean(EmailProvider.class))
                    .isInstanceOf(ResendEmailProvider.class));
  }

  @Test
  void aSelectedProviderWithoutItsKeyStopsTheStart() {
    context
        .withPropertyValues("retention.email.provider=resend", "retention.email.resend.api-key=")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("RESEND_API_KEY"));
    context
        .withPropertyValues("retention.email.provider=mailchimp")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("log, sendgrid, resend"));
  }

  @Test
  void withoutAnUnsubscribeSecret_theEmbeddedRuntimeGeneratesOne_aRealDeploymentDoesNotStart() {
    ApplicationContextRunner noSecret =
        new ApplicationContextRunner()
            .withUserConfiguration(EmailConfiguration.class)
            .withBean(Clock.class, Clock::systemUTC);

    noSecret
        .withPropertyValues("retention.embedded-postgres.enabled=true")
        .run(ctx -> assertThat(ctx).hasSingleBean(UnsubscribeLinks.class));
    noSecret
        .withPropertyValues(
            "retention.embedded-postgres.enabled=false",
            "spring.temporal.test-server.enabled=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("RETENTION_UNSUBSCRIBE_SECRET"));
  }
}
