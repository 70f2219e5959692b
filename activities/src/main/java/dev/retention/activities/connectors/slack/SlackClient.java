package dev.retention.activities.connectors.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.auth.AuthTestResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.users.UsersInfoResponse;
import com.slack.api.methods.response.users.UsersLookupByEmailResponse;
import com.slack.api.model.User;
import com.slack.api.model.block.LayoutBlock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The few Slack Web API methods the connector calls, through Slack's official client ({@code
 * com.slack.api:slack-api-client}) against {@code retention.slack.base-url}. Every failure becomes
 * a {@link SlackFailure}: a 429 with its Retry-After, an invalid or revoked token, an outage, or a
 * refusal of this one request.
 */
public class SlackClient implements AutoCloseable {

  /** Slack's error codes that mean the token, not the request, is wrong. */
  static final Set<String> AUTH_ERRORS =
      Set.of(
          "invalid_auth",
          "not_authed",
          "token_revoked",
          "token_expired",
          "account_inactive",
          "missing_scope",
          "no_permission",
          "org_login_required",
          "ekm_access_denied");

  /** Without a Retry-After on a 429, wait this long. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

  /** A Slack user: its id and locale ({@code nl-NL}), and its address when Slack gives it. */
  public record SlackUser(String id, String locale, String email) {}

  private final Slack slack;
  private final MethodsClient methods;

  public SlackClient(SlackSettings settings) {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(settings.baseUrl());
    config.setStatsEnabled(false);
    config.setPrettyResponseLoggingEnabled(false);
    int millis = (int) settings.timeout().toMillis();
    config.setHttpClientReadTimeoutMillis(millis);
    config.setHttpClientWriteTimeoutMillis(millis);
    config.setHttpClientCallTimeoutMillis(millis);
    this.slack = Slack.getInstance(config);
    this.methods = slack.methods(settings.token());
  }

  /** {@code auth.test}: the workspace and bot the token belongs to. */
  public AuthTestResponse authTest() throws SlackFailure {
    return checked("auth.test", () -> methods.authTest(r -> r));
  }

  /** {@code users.lookupByEmail}: empty when Slack knows no one by that address. */
  public Optional<SlackUser> lookupByEmail(String email) throws SlackFailure {
    UsersLookupByEmailResponse found;
    try {
      found = checked("users.lookupByEmail", () -> methods.usersLookupByEmail(r -> r.email(email)));
    } catch (SlackFailure e) {
      if (e.kind() == SlackFailure.Kind.REJECTED
          && e.getMessage() != null
          && e.getMessage().endsWith("users_not_found")) {
        return Optional.empty();
      }
      throw e;
    }
    User user = found.getUser();
    if (user == null || user.isDeleted()) {
      return Optional.empty();
    }
    return Optional.of(new SlackUser(user.getId(), user.getLocale(), email));
  }

  /** {@code users.info} with the locale: the user's address (scope users:read.email) and locale. */
  public Optional<SlackUser> userInfo(String userId) throws SlackFailure {
    UsersInfoResponse info;
    try {
      info =
          checked("users.info", () -> methods.usersInfo(r -> r.user(userId).includeLocale(true)));
    } catch (SlackFailure e) {
      if (e.kind() == SlackFailure.Kind.REJECTED
          && e.getMessage() != null
          && e.getMessage().endsWith("user_not_found")) {
        return Optional.empty();
      }
      throw e;
    }
    User user = info.getUser();
    if (user == null || user.isDeleted()) {
      return Optional.empty();
    }
    String email = user.getProfile() == null ? null : user.getProfile().getEmail();
    return Optional.of(new SlackUser(user.getId(), user.getLocale(), email));
  }

  /** {@code chat.postMessage}: the message's channel and timestamp (its id in Slack). */
  public ChatPostMessageResponse post(String channel, String text, List<LayoutBlock> blocks)
      throws SlackFailure {
    return checked(
        "chat.postMessage",
        () ->
            methods.chatPostMessage(
                r -> r.channel(channel).text(text).blocks(blocks).unfurlLinks(false)));
  }

  private interface Call<T extends SlackApiTextResponse> {
    T call() throws IOException, SlackApiException;
  }

  private static <T extends SlackApiTextResponse> T checked(String method, Call<T> call)
      throws SlackFailure {
    T response;
    try {
      response = call.call();
    } catch (SlackApiException e) {
      throw failure(method, e);
    } catch (IOException e) {
      throw new SlackFailure(
          SlackFailure.Kind.DOWN,
          method + ": Slack did not answer (" + e.getClass().getSimpleName() + ")",
          null);
    } catch (RuntimeException e) {
      // The client reads Slack's answer as JSON; an answer that is not (a proxy's error page) is an
      // outage, not a bug of ours.
      throw new SlackFailure(
          SlackFailure.Kind.DOWN,
          method + ": Slack's answer could not be read (" + e.getClass().getSimpleName() + ")",
          null);
    }
    if (!response.isOk()) {
      String error = response.getError() == null ? "unknown_error" : response.getError();
      if ("ratelimited".equals(error)) {
        throw new SlackFailure(
            SlackFailure.Kind.RATE_LIMITED, method + ": ratelimited", DEFAULT_RETRY_AFTER);
      }
      throw new SlackFailure(
          AUTH_ERRORS.contains(error) ? SlackFailure.Kind.UNAUTHORIZED : SlackFailure.Kind.REJECTED,
          method + ": " + error,
          null);
    }
    return response;
  }

  private static SlackFailure failure(String method, SlackApiException e) {
    int status = e.getResponse() == null ? 0 : e.getResponse().code();
    String error = e.getError() == null ? null : e.getError().getError();
    if (status == 429 || "ratelimited".equals(error)) {
      return new SlackFailure(
          SlackFailure.Kind.RATE_LIMITED,
          method + ": ratelimited (429)",
          retryAfter(e.getResponse() == null ? null : e.getResponse().header("Retry-After")));
    }
    if (error != null && AUTH_ERRORS.contains(error)) {
      return new SlackFailure(SlackFailure.Kind.UNAUTHORIZED, method + ": " + error, null);
    }
    if (status == 401 || status == 403) {
      return new SlackFailure(
          SlackFailure.Kind.UNAUTHORIZED, method + ": HTTP " + status + " (invalid_auth)", null);
    }
    if (status >= 500 || status == 408 || status == 0) {
      return new SlackFailure(SlackFailure.Kind.DOWN, method + ": HTTP " + status, null);
    }
    return new SlackFailure(
        SlackFailure.Kind.REJECTED,
        method + ": HTTP " + status + (error == null ? "" : " " + error),
        null);
  }

  /** Slack sends Retry-After in whole seconds. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return DEFAULT_RETRY_AFTER;
    }
    try {
      long seconds = Long.parseLong(header.strip());
      return seconds <= 0 ? Duration.ofSeconds(1) : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return DEFAULT_RETRY_AFTER;
    }
  }

  /** The user's language, for our two: Dutch for a Dutch locale, else English. */
  static String language(String slackLocale) {
    if (slackLocale == null) {
      return null;
    }
    return Locale.forLanguageTag(slackLocale).getLanguage().equals("nl") ? "nl" : "en";
  }

  @Override
  public void close() {
    try {
      slack.close();
    } catch (Exception e) {
      // Its executors are gone with the application anyway.
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
