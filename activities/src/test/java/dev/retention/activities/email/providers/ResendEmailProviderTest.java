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
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Resend provider's own HTTP call against a local fake of Resend. */
class ResendEmailProviderTest {

  static final String API_KEY = "re_test_key";
  static final OutgoingEmail EMAIL = SendGridEmailProviderTest.EMAIL;

  static WireMockServer resend;
  ResendEmailProvider provider;

  @BeforeAll
  static void start() {
    resend = new WireMockServer(options().dynamicPort());
    resend.start();
  }

  @AfterAll
  static void stop() {
    resend.stop();
  }

  @BeforeEach
  void setUp() {
    resend.resetAll();
    provider =
        new ResendEmailProvider(
            API_KEY,
            URI.create("http://localhost:" + resend.port()),
            Duration.ofSeconds(5),
            Clock.systemUTC());
  }

  @Test
  void sendsWithTheIdempotencyKeyAndReturnsResendsId() {
    resend.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}")));

    assertThat(provider.send(EMAIL)).isEqualTo("49a3999c-0ce1-4ea6-ab68-afcd6dc2e794");

    resend.verify(
        postRequestedFor(urlEqualTo("/emails"))
            .withHeader("Authorization", equalTo("Bearer " + API_KEY))
            .withHeader("Idempotency-Key", equalTo("at-risk-c-42/run-1/day-1-email"))
            .withRequestBody(
                matchingJsonPath("$.from", equalTo("Petra Novak <petra@retention.test>")))
            .withRequestBody(matchingJsonPath("$.to[0]", equalTo("ops@acme.test")))
            .withRequestBody(matchingJsonPath("$.reply_to[0]", equalTo("petra@retention.test")))
            .withRequestBody(matchingJsonPath("$.subject", equalTo("Can I help?")))
            .withRequestBody(matchingJsonPath("$.text", equalTo(EMAIL.text())))
            .withRequestBody(
                matchingJsonPath(
                    "$.headers['List-Unsubscribe']",
                    equalTo("<https://app.test/api/unsubscribe?c=c-42&s=x>")))
            .withRequestBody(
                matchingJsonPath(
                    "$.headers['List-Unsubscribe-Post']", equalTo("List-Unsubscribe=One-Click"))));
  }

  @Test
  void anHtmlAlternativeIsSentBesideTheText_andLeftOutWhenThereIsNone() {
    resend.stubFor(
        post("/emails").willReturn(aResponse().withStatus(200).withBody("{\"id\":\"re-1\"}")));

    provider.send(SendGridEmailProviderTest.withHtml(EMAIL, "<p>Hi Acme</p>"));
    provider.send(EMAIL);

    var requests = resend.findAll(postRequestedFor(urlEqualTo("/emails")));
    assertThat(requests.get(0).getBodyAsString()).contains("\"html\":\"<p>Hi Acme</p>\"");
    assertThat(requests.get(1).getBodyAsString()).doesNotContain("\"html\"");
  }

  @Test
  void tooManyRequestsIsRetryableAfterTheProvidersRetryAfter() {
    resend.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "3")
                    .withBody(
                        "{\"statusCode\":429,\"name\":\"rate_limit_exceeded\","
                            + "\"message\":\"Too many requests.\"}")));

    RetryableEmailFailure failure =
        catchThrowableOfType(RetryableEmailFailure.class, () -> provider.send(EMAIL));

    assertThat(failure.getMessage()).contains("429").contains("rate_limit_exceeded");
    assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void serverErrorsAreRetryable() {
    for (int status : new int[] {500, 503}) {
      resend.stubFor(
          post("/emails")
              .willReturn(
                  aResponse()
                      .withStatus(status)
                      .withBody(
                          "{\"statusCode\":"
                              + status
                              + ",\"name\":\"internal_server_error\","
                              + "\"message\":\"An unexpected error occurred.\"}")));

      RetryableEmailFailure failure =
          catchThrowableOfType(RetryableEmailFailure.class, () -> provider.send(EMAIL));

      assertThat(failure.getMessage()).contains(String.valueOf(status));
    }
  }

  @Test
  void otherClientErrorsArePermanentWithResendsReason() {
    resend.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withBody(
                        "{\"statusCode\":422,\"name\":\"validation_error\","
                            + "\"message\":\"Invalid `to` field.\"}")));

    PermanentEmailFailure failure =
        catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(EMAIL));

    assertThat(failure.getMessage())
        .isEqualTo("Resend answered 422: validation_error: Invalid `to` field.");
  }

  @Test
  void theSameKeyStillInFlightIsRetryable_aDifferentPayloadForTheKeyIsNot() {
    resend.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withBody(
                        "{\"statusCode\":409,\"name\":\"concurrent_idempotent_requests\","
                            + "\"message\":\"Same idempotency key used while the original request"
                            + " is still in progress.\"}")));
    assertThat(catchThrowableOfType(RetryableEmailFailure.class, () -> provider.send(EMAIL)))
        .hasMessageContaining("concurrent_idempotent_requests");

    resend.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withBody(
                        "{\"statusCode\":409,\"name\":\"invalid_idempotent_request\","
                            + "\"message\":\"Same idempotency key used with a different request"
                            + " payload.\"}")));
    assertThat(catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(EMAIL)))
        .hasMessageContaining("invalid_idempotent_request");
  }

  @Test
  void anUnreachableResendIsRetryable() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ResendEmailProvider unreachable =
        new ResendEmailProvider(
            API_KEY,
            URI.create("http://localhost:" + closedPort),
            Duration.ofSeconds(2),
            Clock.systemUTC());

    assertThat(catchThrowableOfType(RetryableEmailFailure.class, () -> unreachable.send(EMAIL)))
        .hasMessageStartingWith("Resend unreachable");
  }

  @Test
  void anErrorThatIsNotJsonKeepsItsText() {
    resend.stubFor(post("/emails").willReturn(aResponse().withStatus(400).withBody("bad gateway")));

    assertThat(catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(EMAIL)))
        .hasMessage("Resend answered 400: bad gateway");
  }

  @Test
  void quotesDisplayNamesThatNeedIt() {
    assertThat(ResendEmailProvider.mailbox("Petra Novak", "p@x.test"))
        .isEqualTo("Petra Novak <p@x.test>");
    assertThat(ResendEmailProvider.mailbox("Novak, Petra", "p@x.test"))
        .isEqualTo("\"Novak, Petra\" <p@x.test>");
    assertThat(ResendEmailProvider.mailbox(null, "p@x.test")).isEqualTo("p@x.test");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource(
      "dev.retention.activities.email.providers.EmailHeadersTest#injected")
  void aControlCharacterInAHeaderIsRefusedForGood_andNothingReachesResend(
      String header, OutgoingEmail email) {
    resend.stubFor(post(urlEqualTo("/emails")).willReturn(aResponse().withStatus(202)));

    PermanentEmailFailure refused =
        catchThrowableOfType(PermanentEmailFailure.class, () -> provider.send(email));

    assertThat(refused).as(header).isNotNull();
    assertThat(refused.getMessage()).startsWith("refusing to send");
    assertThat(resend.getAllServeEvents()).isEmpty();
  }
}
