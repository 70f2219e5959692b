package dev.retention.activities.connectors.slack;

import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.retention.data.connections.Connection;
import dev.retention.data.connections.ConnectionStatus;
import dev.retention.data.connections.ConnectionStatus.State;
import java.time.Clock;
import java.time.Instant;

/**
 * Slack on the connections page: off without a bot token; else the last message sent, the last
 * failure and the backlog from the outbox, and the last test ({@code auth.test}) when it failed.
 */
public class SlackConnection implements Connection {

  private final SlackSettings settings;
  private final SlackClient client;
  private final SlackOutbox outbox;
  private final Clock clock;

  /** The last test's failure (null after a good one). */
  private volatile ConnectionStatus lastTestFailure;

  public SlackConnection(
      SlackSettings settings, SlackClient client, SlackOutbox outbox, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.outbox = outbox;
    this.clock = clock;
  }

  @Override
  public String id() {
    return "slack";
  }

  @Override
  public String name() {
    return "Slack";
  }

  @Override
  public ConnectionStatus status() {
    if (!settings.enabled() || client == null || outbox == null) {
      return ConnectionStatus.notConfigured(
          "set retention.slack.token (SLACK_BOT_TOKEN) to send alerts and urgent tasks to Slack");
    }
    SlackOutbox.Summary summary = outbox.summary();
    ConnectionStatus failedTest = lastTestFailure;
    if (failedTest != null) {
      return new ConnectionStatus(
          failedTest.state(),
          summary.lastSentAt(),
          failedTest.lastError(),
          failedTest.lastErrorAt(),
          detail(summary));
    }
    boolean errorSinceLastSend =
        summary.lastErrorAt() != null
            && (summary.lastSentAt() == null
                || summary.lastErrorAt().isAfter(summary.lastSentAt()));
    State state = State.OK;
    if (errorSinceLastSend) {
      state = isAuth(summary.lastError()) ? State.UNAUTHORIZED : State.DEGRADED;
    }
    return new ConnectionStatus(
        state, summary.lastSentAt(), summary.lastError(), summary.lastErrorAt(), detail(summary));
  }

  @Override
  public ConnectionStatus test() {
    if (!settings.enabled() || client == null) {
      return status();
    }
    Instant now = clock.instant();
    try {
      AuthTestResponse ok = client.authTest();
      lastTestFailure = null;
      ConnectionStatus status = status();
      return new ConnectionStatus(
          status.state() == State.UNAUTHORIZED ? State.OK : status.state(),
          status.lastSync(),
          status.lastError(),
          status.lastErrorAt(),
          "connected to "
              + (ok.getTeam() == null ? "the workspace" : ok.getTeam())
              + " as "
              + (ok.getUser() == null ? "the bot" : ok.getUser())
              + "; "
              + status.detail());
    } catch (SlackFailure e) {
      State state =
          switch (e.kind()) {
            case UNAUTHORIZED -> State.UNAUTHORIZED;
            case DOWN, RATE_LIMITED -> State.DOWN;
            case REJECTED -> State.DEGRADED;
          };
      String message =
          e.kind() == SlackFailure.Kind.UNAUTHORIZED
              ? "Slack refused the bot token ("
                  + e.getMessage()
                  + "): set a valid retention.slack.token (SLACK_BOT_TOKEN)"
              : e.getMessage();
      lastTestFailure = new ConnectionStatus(state, null, message, now, null);
      return status();
    }
  }

  private String detail(SlackOutbox.Summary summary) {
    String where =
        settings.dm()
            ? "direct messages to CSMs by address"
                + (settings.channel() == null ? "" : ", else channel " + settings.channel())
            : "channel " + settings.channel();
    return where
        + (settings.buttons() ? "; complete and snooze buttons" : "")
        + "; "
        + summary.pending()
        + " waiting, "
        + summary.failed()
        + " failed";
  }

  private static boolean isAuth(String error) {
    if (error == null) {
      return false;
    }
    return SlackClient.AUTH_ERRORS.stream().anyMatch(error::endsWith)
        || error.contains("(invalid_auth)");
  }
}
