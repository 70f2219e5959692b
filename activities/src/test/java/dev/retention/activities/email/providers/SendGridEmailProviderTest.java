package dev.retention.activities.email.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.retention.activities.email.consent.UnsubscribeLinks;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real sendgrid-java client against a local fake of SendGrid's v3 Mail Send API. */
class SendGridEmailProviderTest {

  static final String API_KEY = "SG.test-key";
  static final OutgoingEmail EMAIL =
      new OutgoingEmail(
          "at-risk-c-42/run-1/day-1-email",
          "Petra Novak",
          "petra@retention.test",
          "petra@retention.test",
          "Acme Analytics",
          "ops@acme.test",
          "Can I help?",
          "Hi Acme\n\n--\nUnsubscribe from these emails: https://app.test/api/unsubscribe?c=c-42&s=x\n",
          UnsubscribeLinks.headers("https://app.test/api/unsubscribe?c=c-42&s=x"),
          "https://app.test/api/unsubscribe?c=c-42&s=x");

  static WireMockServer sendGrid;
  SendGridEmailProvider provider;

  @BeforeAll
  static void start() {
    sendGrid = new WireMockServer(options().dynamicPort());
    sendGrid.start();
  }

  @AfterAll
  static void stop() {
    sendGrid.stop();
  }

  @BeforeEach
  void setUp() {
    sendGrid.resetAll();
    provider =
        new SendGridEmailProvider(
            API_KEY,
            URI.create("http://localhost:" + sendGrid.port()),
            Duration.ofSeconds(5),
            Clock.systemUTC());
  }

  @Test
  void sendsWithTheKeyAsCustomArgumentAndReturnsTheMessageIdHeader() {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "sg-msg-1")));

    assertThat(provider.send(EMAIL)).isEqualTo("sg-msg-1");

    sendGrid.verify(
        postRequestedFor(urlEqualTo("/v3/mail/send"))
            .withHeader("Authorization", equalTo("Bearer " + API_KEY))
            .withRequestBody(
                matchingJsonPath(
                    "$.custom_args.retention_key", equalTo("at-risk-c-42/run-1/day-1-email")))
            .withRequestBody(
                matchingJsonPath(
                    "$.headers['List-Unsubscribe']",
                    equalTo("<https://app.test/api/unsubscribe?c=c-42&s=x>")))
            .withRequestBody(
                matchingJsonPath(
                    "$.headers['List-Unsubscribe-Post']", equalTo("List-Unsubscribe=One-Click")))
            .withRequestBody(matchingJsonPath("$.from.name", equalTo("Petra Novak")))
            .withRequestBody(matchingJsonPath("$.from.email", equalTo("petra@retention.test")))
            .withRequestBody(matchingJsonPath("$.reply_to.email", equalTo("petra@retention.test")))
            .withRequestBody(matchingJsonPath("$.subject", equalTo("Can I help?")))
            .withRequestBody(
                matchingJsonPath("$.personalizations[0].to[0].email", equalTo("ops@acme.test")))
            .withRequestBody(matchingJsonPath("$.content[0].type", equalTo("text/plain")))
            .withRequestBody(matchingJsonPath("$.content[0].value", equalTo(EMAIL.text()))));
  }

  @Test
  void anHtmlAlternativeFollowsThePlainText() {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "sg-msg-2")));

    provider.send(withHtml(EMAIL, "<p>Hi Acme</p>"));

    sendGrid.verify(
        postRequestedFor(urlEqualTo("/v3/mail/send"))
            .withRequestBody(matchingJsonPath("$.content[0].type", equalTo("text/plain")))
            .withRequestBody(matchingJsonPath("$.content[1].type", equalTo("text/html")))
            .withRequestBody(matchingJsonPath("$.content[1].value", equalTo("<p>Hi Acme</p>"))));
  }

  static OutgoingEmail withHtml(OutgoingEmail e, String html) {
    return new OutgoingEmail(
        e.idempotencyKey(),
        e.fromName(),
        e.fromAddress(),
        e.replyTo(),
        e.toName(),
        e.toAddress(),
        e.subject(),
        e.text(),
        e.headers(),
        e.unsubscribeUrl(),
        html);
  }

  @Test
  void tooManyRequestsIsRetryableAfterTheProvidersRetryAfter() {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "7")
                    .withBody("{\"errors\":[{\"message\":\"too many requests\"}]}")));

    RetryableEmailFailure failure =
        catchThrowableOfType(RetryableEmailFailure.class, () -> provider.send(EMAIL));

    assertThat(failure.getMessage()).contains("429").contains("too many requests");
    assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void serverErrorsAreRetryable() {
    for (int status : new int[] {500, 502, 503}) {
      sendGrid.stubFor(post("/v3/mail/send").willReturn(aResponse().withStatus(status)));

      RetryableEmailFailure failure =
          catchThrowableOfType(RetryableEmailFailure.class, () -> provider.send(EMAIL));

      assertThat(failure.getMessage()).contains(String.valueOf(status));
      assertThat(failure.retryAfter()).isNull();
    }
  }

  @Test
  void otherClientErrorsArePermanentWithSendGridsReason() {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        """
                        {"errors":[{"message":"Does not contain a valid address.",
                          "field":"personalizations.0.to.0.email","help":null}]}""")));

    PermanentEmailFailure failure =
        catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(EMAIL));

    assertThat(failure.getMessage())
        .isEqualTo(
            "SendGrid answered 400: personalizations.0.to.0.email: Does not contain a valid"
                + " address.");
  }

  @Test
  void aRejectedApiKeyIsPermanent() {
    sendGrid.stubFor(
        post("/v3/mail/send")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(
                        "{\"errors\":[{\"message\":\"The provided authorization grant is invalid\"}]}")));

    assertThat(catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(EMAIL)))
        .hasMessageContaining("401")
        .hasMessageNotContaining(API_KEY);
  }

  @Test
  void anUnreachableSendGridIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    SendGridEmailProvider unreachable =
        new SendGridEmailProvider(
            API_KEY,
            URI.create("http://localhost:" + closedPort),
            Duration.ofSeconds(2),
            Clock.systemUTC());

    assertThat(catchThrowableOfType(RetryableEmailFailure.class, () -> unreachable.send(EMAIL)))
        .hasMessageContaining("SendGrid unreachable");
  }

  @Test
  void theWebhooksMessageIdIsTheSendsMessageIdWithASuffix() {
    assertThat(SendGridEmailProvider.messageIdOf("sg-msg-1.filterdrecv-5bd6-1-5F0E.0"))
        .isEqualTo("sg-msg-1");
    assertThat(SendGridEmailProvider.messageIdOf("sg-msg-1")).isEqualTo("sg-msg-1");
  }

  @Test
  void theBaseUrlIsAHostNotAPath() {
    assertThat(
            catchThrowableOfType(
                IllegalArgumentException.class,
                () ->
                    new SendGridEmailProvider(
                        API_KEY,
                        URI.create("http://localhost:1/v3"),
                        Duration.ofSeconds(1),
                        Clock.systemUTC())))
        .hasMessageContaining("scheme and host");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource(
      "dev.retention.activities.email.providers.EmailHeadersTest#injected")
  void aControlCharacterInAHeaderIsRefusedForGood_andNothingReachesSendGrid(
      String header, OutgoingEmail email) {
    sendGrid.stubFor(post(urlEqualTo("/v3/mail/send")).willReturn(aResponse().withStatus(202)));

    PermanentEmailFailure refused =
        catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(email));

    assertThat(refused).as(header).isNotNull();
    assertThat(refused.getMessage()).startsWith("refusing to send");
    assertThat(sendGrid.getAllServeEvents()).isEmpty();
  }
}
