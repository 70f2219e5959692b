package dev.retention.activities.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.retention.activities.testing.Fixtures.ACME;
import static dev.retention.activities.testing.Fixtures.PETRA;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.providers.OutgoingEmail;
import dev.retention.activities.email.providers.ResendEmailProvider;
import dev.retention.activities.email.providers.SendGridEmailProvider;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.data.customers.Customer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Dutch customer's email is Dutch to its last line: the unsubscribe footer the composer adds is
 * in the email's language, in the text and the HTML, as SendGrid and Resend receive them.
 */
class DutchEmailFooterTest {

  /** English words and phrases no Dutch email would hold (the old footer's among them). */
  private static final List<String> ENGLISH =
      List.of(
          "unsubscribe",
          "these emails",
          "from these",
          "the",
          "your",
          "please",
          "thanks",
          "regards",
          "click",
          "here");

  private static final Customer DUTCH =
      new Customer(
          "c-nl-1",
          "Bakkerij Jansen",
          "info@jansen.test",
          PETRA.id(),
          ACME.plan(),
          ACME.mrr(),
          ACME.planUsageLimit(),
          "Europe/Amsterdam",
          "nl");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static WireMockServer fake;

  @BeforeAll
  static void start() {
    fake = new WireMockServer(options().dynamicPort());
    fake.start();
    fake.stubFor(
        post("/v3/mail/send")
            .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "sg-1")));
    fake.stubFor(
        post("/emails")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"id\":\"re-1\"}")));
  }

  @AfterAll
  static void stop() {
    fake.stop();
  }

  private final EmailComposer composer =
      new EmailComposer(
          new EmailTemplates(),
          new EmailVariables("Insightly"),
          new UnsubscribeLinks("footer-test-secret-0123456789abcdef-xyz", "https://app.test/"));

  @Test
  void theFooterFollowsTheEmailsLanguage() {
    assertThat(EmailComposer.unsubscribeWords("nl")).isEqualTo("Afmelden voor deze e-mails");
    assertThat(EmailComposer.unsubscribeWords("nl-BE")).isEqualTo("Afmelden voor deze e-mails");
    assertThat(EmailComposer.unsubscribeWords("en")).isEqualTo("Unsubscribe from these emails");
    assertThat(EmailComposer.unsubscribeWords(null)).isEqualTo("Unsubscribe from these emails");
  }

  @Test
  void aDefinitionsOwnDutchText_endsInTheDutchFooter_inTheTextAndTheHtml() {
    Map<String, dev.retention.workflows.ports.TemplateText> written =
        Map.of(
            "en",
            new dev.retention.workflows.ports.TemplateText("English", "English text", null),
            "nl",
            new dev.retention.workflows.ports.TemplateText(
                "Nieuw onderwerp voor {{customer.name}}",
                "Hoi {{customer.name}},\n\nNieuwe tekst.",
                "<p>Hoi <b>{{customer.name}}</b></p>"));
    EmailComposer.Composed email =
        composer.toCustomer("at-risk/day-3", written, DUTCH, PETRA, Map.of());
    assertThat(email.content().locale()).isEqualTo("nl");
    assertThat(email.content().subject()).isEqualTo("Nieuw onderwerp voor Bakkerij Jansen");
    assertThat(email.content().text())
        .isEqualTo(
            "Hoi Bakkerij Jansen,\n\nNieuwe tekst.\n\n--\nAfmelden voor deze e-mails: "
                + email.unsubscribeUrl()
                + "\n");
    assertThat(email.content().html())
        .contains("<p>Hoi <b>Bakkerij Jansen</b></p>")
        .contains(">Afmelden voor deze e-mails</a>");
    assertThat(email.headers()).containsKey("List-Unsubscribe");
  }

  @Test
  void aDutchCustomersEmailHoldsNoEnglishAsSendGridAndResendReceiveIt() {
    EmailComposer.Composed email = composer.toCustomer("at-risk/day-1", DUTCH, PETRA, Map.of());
    assertThat(email.content().locale()).isEqualTo("nl");
    String url = email.unsubscribeUrl();
    OutgoingEmail outgoing =
        new OutgoingEmail(
            "at-risk-c-nl-1/run-1/day-1-email",
            PETRA.name(),
            PETRA.email(),
            PETRA.email(),
            DUTCH.name(),
            DUTCH.email(),
            email.content().subject(),
            email.content().text(),
            email.headers(),
            url,
            email.content().html());
    URI base = URI.create("http://localhost:" + fake.port());
    new SendGridEmailProvider("SG.key", base, Duration.ofSeconds(5), Clock.systemUTC())
        .send(outgoing);
    new ResendEmailProvider("re_key", base, Duration.ofSeconds(5), Clock.systemUTC())
        .send(outgoing);

    JsonNode sendGrid = body("/v3/mail/send");
    String sendGridText = sendGrid.path("content").path(0).path("value").asString();
    String sendGridHtml = sendGrid.path("content").path(1).path("value").asString();
    JsonNode resend = body("/emails");
    String resendText = resend.path("text").asString();
    String resendHtml = resend.path("html").asString();

    for (String text : List.of(sendGridText, resendText)) {
      assertThat(text).endsWith("\n--\nAfmelden voor deze e-mails: " + url + "\n");
      assertNoEnglish(text, url);
    }
    String href = url.replace("&", "&amp;");
    for (String html : List.of(sendGridHtml, resendHtml)) {
      assertThat(html)
          .contains("<a href=\"" + href + "\"")
          .contains(">Afmelden voor deze e-mails<");
      assertNoEnglish(html.replaceAll("<[^>]*>", " "), url);
    }
  }

  @Test
  void anEnglishCustomerKeepsTheEnglishFooter() {
    EmailComposer.Composed email = composer.toCustomer("at-risk/day-1", ACME, PETRA, Map.of());
    assertThat(email.content().text())
        .endsWith("Unsubscribe from these emails: " + email.unsubscribeUrl() + "\n");
    assertThat(email.content().html()).contains(">Unsubscribe from these emails<");
  }

  private static JsonNode body(String path) {
    String raw =
        fake.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getUrl().equals(path))
            .findFirst()
            .orElseThrow()
            .getRequest()
            .getBodyAsString();
    return JSON.readTree(raw);
  }

  private static void assertNoEnglish(String text, String url) {
    String words = text.replace(url, " ").replace(url.replace("&", "&amp;"), " ");
    for (String english : ENGLISH) {
      Pattern word =
          Pattern.compile("\\b" + Pattern.quote(english) + "\\b", Pattern.CASE_INSENSITIVE);
      assertThat(word.matcher(words.toLowerCase(Locale.ROOT)).find())
          .as("English '%s' in a Dutch email:%n%s", english, words)
          .isFalse();
    }
  }
}
