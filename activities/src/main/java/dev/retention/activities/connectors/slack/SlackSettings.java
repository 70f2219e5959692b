package dev.retention.activities.connectors.slack;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.StringUtils;

/**
 * {@code retention.slack.*} (docs/connectors/slack.md): the bot token ({@code token}; without it
 * Slack is off), the signing secret of the interaction endpoint ({@code signing-secret}), a team
 * channel for everyone Slack does not know by address, or for everything when {@code dm} is false
 * ({@code channel}), the Web API's prefix ({@code base-url}, a local fake in tests), the complete
 * and snooze buttons ({@code buttons}), the language of channel messages ({@code language}: en or
 * nl), how old a signed interaction may be ({@code tolerance}), and the sender's pace: attempts per
 * message, the first backoff (doubled per attempt, at most {@code max-backoff}) and how often it
 * looks for work.
 */
@ConfigurationProperties("retention.slack")
public record SlackSettings(
    String token,
    String signingSecret,
    String channel,
    Boolean dm,
    String baseUrl,
    Boolean buttons,
    String language,
    Duration tolerance,
    Integer maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    Duration pollInterval,
    Duration timeout) {

  public static final String DEFAULT_BASE_URL = "https://slack.com/api/";

  public SlackSettings {
    token = StringUtils.hasText(token) ? token.strip() : null;
    signingSecret = StringUtils.hasText(signingSecret) ? signingSecret.strip() : null;
    channel = StringUtils.hasText(channel) ? channel.strip() : null;
    dm = dm == null || dm;
    baseUrl = StringUtils.hasText(baseUrl) ? baseUrl.strip() : DEFAULT_BASE_URL;
    if (!baseUrl.endsWith("/")) {
      baseUrl = baseUrl + "/";
    }
    if (!baseUrl.startsWith("https://") && !baseUrl.startsWith("http://")) {
      throw new IllegalArgumentException(
          "retention.slack.base-url must be an http(s) URL such as " + DEFAULT_BASE_URL);
    }
    buttons = buttons != null && buttons;
    language = "nl".equalsIgnoreCase(language) ? "nl" : "en";
    tolerance = positive(tolerance, Duration.ofMinutes(5), "tolerance");
    maxAttempts = maxAttempts == null ? 10 : maxAttempts;
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retention.slack.max-attempts must be at least 1");
    }
    backoff = positive(backoff, Duration.ofSeconds(5), "backoff");
    maxBackoff = positive(maxBackoff, Duration.ofMinutes(30), "max-backoff");
    pollInterval = positive(pollInterval, Duration.ofSeconds(2), "poll-interval");
    timeout = positive(timeout, Duration.ofSeconds(10), "timeout");
    if (!dm && channel == null) {
      throw new IllegalArgumentException(
          "retention.slack.dm=false needs retention.slack.channel: there is nowhere else to post");
    }
  }

  /** Off: every property at its default, no token. */
  public static SlackSettings off() {
    return new SlackSettings(
        null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Slack is on when a bot token is set. */
  public boolean enabled() {
    return token != null;
  }

  private static Duration positive(Duration value, Duration fallback, String name) {
    if (value == null) {
      return fallback;
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "retention.slack." + name + " must be positive, was " + value);
    }
    return value;
  }
}
