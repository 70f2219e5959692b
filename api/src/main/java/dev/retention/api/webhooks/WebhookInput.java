package dev.retention.api.webhooks;

import dev.retention.api.problems.ApiProblem;
import dev.retention.data.webhooks.WebhookEventTypes;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** A subscription's URL and event filter, checked the same way for the API and the console. */
public final class WebhookInput {

  /** The event filter that means every type. */
  public static final String ALL = "*";

  private WebhookInput() {}

  /** An absolute http(s) URL with a host, no fragment. */
  public static String url(String url) {
    String value = url.strip();
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && uri.getFragment() == null) {
        return value;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw ApiProblem.invalid(
        "url", "url must be an absolute http or https URL, e.g. https://example.com/hooks");
  }

  /** The types asked for, or null for every type ({@code ["*"]}). */
  public static List<String> types(List<String> types) {
    if (types == null || types.equals(List.of(ALL))) {
      return null;
    }
    for (String type : types) {
      if (!WebhookEventTypes.ALL.contains(type)) {
        throw new ApiProblem(
            HttpStatus.BAD_REQUEST,
            "Invalid request",
            "eventTypes: unknown event type '"
                + type
                + "'; known: "
                + String.join(", ", WebhookEventTypes.ALL)
                + ", or [\"*\"] for every type",
            "eventTypes",
            Map.of("known", WebhookEventTypes.ALL));
      }
    }
    return types.stream().distinct().toList();
  }
}
