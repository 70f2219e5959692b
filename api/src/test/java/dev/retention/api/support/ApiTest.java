package dev.retention.api.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole app over real HTTP on the embedded runtime (in-process Temporal on a real clock, a
 * throw-away database of its own on the test JVM's embedded PostgreSQL: {@link
 * SharedTestPostgres}), with a two-second playbook day. One context serves every API test class.
 * Set TEMPORAL_ADDRESS to run the same tests against a real Temporal server.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "retention.embedded-postgres.data-dir=",
      "retention.playbooks.day-length=PT2S",
      "retention.demo-data.enabled=false",
      "retention.metrics.refresh=PT0.2S",
      // The tests run the closed-run reconciler themselves, when they mean to.
      "retention.playbooks.reconcile-interval=PT1H",
      "retention.security.bootstrap-admin-key=" + ApiTestKeys.ADMIN_KEY,
      // BCrypt at its lowest cost: the tests create and log in people all the time, and need no
      // slow hash (the production cost is the operator's, see LoginConfiguration).
      "retention.security.password-strength=4",
      // Temporal payloads encrypted with a key generated per test run, never one on disk.
      "retention.codec.key-file=",
      // Email webhooks and unsubscribe links, signed in the tests with the other halves.
      "retention.email.unsubscribe-secret=" + ApiTestKeys.UNSUBSCRIBE_SECRET,
      "retention.email.sendgrid.webhook-public-key=" + ApiTestKeys.SENDGRID_PUBLIC_KEY,
      "retention.email.sendgrid.inbound-token=" + ApiTestKeys.SENDGRID_INBOUND_TOKEN,
      "retention.email.resend.webhook-secret=" + ApiTestKeys.RESEND_WEBHOOK_SECRET,
      "retention.calendly.signing-key=" + ApiTestKeys.CALENDLY_SIGNING_KEY,
      // Webhook subscribers: retried within a second, FAILED after three attempts.
      "retention.webhooks.poll-interval=PT0.2S",
      "retention.webhooks.backoff-base=PT0.2S",
      "retention.webhooks.backoff-max=PT1S",
      "retention.webhooks.max-attempts=3",
      // Segment: the write key (Basic) and the Webhook destination's secret (X-Signature); the
      // tests score the customers whose figures moved themselves.
      "retention.segment.write-key=" + ApiTestKeys.SEGMENT_WRITE_KEY,
      "retention.segment.shared-secret=" + ApiTestKeys.SEGMENT_SHARED_SECRET,
      "retention.segment.score-interval=PT1H"
    })
public @interface ApiTest {}
