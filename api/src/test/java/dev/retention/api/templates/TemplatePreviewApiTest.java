package dev.retention.api.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.api.support.ApiTest;
import dev.retention.api.support.HttpApi;
import dev.retention.api.support.HttpApi.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

@ApiTest
class TemplatePreviewApiTest {

  private static final Pattern LINK = Pattern.compile("https?://\\S+/api/unsubscribe\\?\\S+");

  @LocalServerPort int port;
  @Autowired UnsubscribeLinks links;
  HttpApi api;

  @BeforeEach
  void setUp() {
    api = new HttpApi(port);
  }

  @Test
  void preview_isTheEmailThatGoesOut_withTheCustomersOwnUnsubscribeLink() {
    String customer = api.newCustomer("preview");
    Response preview = api.get("/api/templates/at-risk/day-1/preview?customerId=" + customer);

    assertThat(preview.status()).isEqualTo(200);
    Matcher link = LINK.matcher(preview.text("text"));
    assertThat(link.find()).as("unsubscribe link in the text").isTrue();
    String query = URI.create(link.group()).getRawQuery();
    String signature = URLDecoder.decode(query.replaceAll(".*[?&]?s=", ""), StandardCharsets.UTF_8);
    String email = api.get("/api/customers/" + customer).text("email");
    assertThat(links.verify(customer, email, signature)).isTrue();
    assertThat(preview.body().path("variables").path("unsubscribe.url").asText())
        .isEqualTo(link.group());
    assertThat(preview.text("html")).contains("Unsubscribe from these emails");
  }
}
