package dev.retention.api.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.temporal.testing.TestWorkflowEnvironment;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@link ApiTest} app with HubSpot as the CRM, Slack and a webhook subscriber, each against a
 * local fake started once per JVM: one application context for every test class that extends this
 * (the properties come from this one method, so Spring's context cache sees the same
 * configuration), instead of one per class. The fakes are never stopped by a class, since the next
 * class's context is the same; each class stubs what it needs and matches only its own requests.
 * Single sign-on is set up too, against a local OpenID provider ({@link OidcProvider}). The classes
 * here let a run's days pass by skipping the context's Temporal clock ({@link TemporalClock}); none
 * compares a run's times with the wall clock.
 */
@ApiTest
public abstract class WithConnectors {

  public static final String HUBSPOT_SECRET = "hubspot-client-secret-connected-test";
  public static final String HUBSPOT_WEBHOOK = "https://retention.example/api/webhooks/hubspot";
  public static final String SLACK_TOKEN = "xoxb-connected-test";
  public static final String SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

  public static final WireMockServer HUBSPOT = started();
  public static final WireMockServer SLACK = started();
  public static final WireMockServer SUBSCRIBER = started();

  @Autowired private ObjectProvider<TestWorkflowEnvironment> temporalEnvironment;

  /** The context's Temporal clock: skipped in-process, waited out on a real server. */
  protected TemporalClock clock() {
    return TemporalClock.of(temporalEnvironment);
  }

  private static WireMockServer started() {
    WireMockServer server = new WireMockServer(options().dynamicPort());
    server.start();
    return server;
  }

  @DynamicPropertySource
  static void connectors(DynamicPropertyRegistry registry) {
    registry.add("retention.crm.provider", () -> "hubspot");
    registry.add("retention.hubspot.token", () -> "pat-connected-test");
    registry.add("retention.hubspot.base-url", HUBSPOT::baseUrl);
    registry.add("retention.hubspot.client-secret", () -> HUBSPOT_SECRET);
    registry.add("retention.hubspot.webhook-url", () -> HUBSPOT_WEBHOOK);
    registry.add("retention.hubspot.send-interval", () -> "PT0.3S");
    // The tests poll HubSpot themselves, when they mean to.
    registry.add("retention.hubspot.poll-interval", () -> "PT1H");
    registry.add("retention.slack.token", () -> SLACK_TOKEN);
    registry.add("retention.slack.signing-secret", () -> SLACK_SIGNING_SECRET);
    registry.add("retention.slack.buttons", () -> "true");
    registry.add("retention.slack.base-url", () -> SLACK.baseUrl() + "/api/");
    registry.add("retention.slack.poll-interval", () -> "PT0.2S");
    registry.add("retention.slack.backoff", () -> "PT0.5S");
    registry.add("retention.slack.max-backoff", () -> "PT1S");
    registry.add("retention.segment.score-interval", () -> "PT1S");
    registry.add("retention.public-base-url", () -> "https://retention.example");
    // Single sign-on against the local OpenID provider (SingleSignOnTest).
    registry.add("retention.security.oidc.issuer-uri", OidcProvider::issuer);
    registry.add("retention.security.oidc.client-id", () -> OidcProvider.CLIENT_ID);
    registry.add("retention.security.oidc.client-secret", () -> "test-secret");
  }
}
