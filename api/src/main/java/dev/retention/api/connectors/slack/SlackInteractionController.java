package dev.retention.api.connectors.slack;

import static dev.retention.api.email.WebhookSupport.text;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.retention.activities.connectors.slack.SlackClient;
import dev.retention.activities.connectors.slack.SlackFailure;
import dev.retention.activities.connectors.slack.SlackMessages;
import dev.retention.api.email.WebhookSupport;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.api.security.Caller;
import dev.retention.api.security.CallerAuthentication;
import dev.retention.api.security.login.People;
import dev.retention.data.crm.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Slack's interaction endpoint ({@code POST /api/webhooks/slack/interactions}): a click on a
 * message's complete or snooze button. The request is verified with the app's signing secret; the
 * Slack user who clicked is mapped to one of our people by address ({@code users.info}) and may do
 * only what that person may do in the console, through the same task service and ownership check.
 * Slack wants a 200 within three seconds; what became of the click is in the answer. Nothing
 * personal is logged.
 */
@Tag(name = "chat webhooks")
@RestController
class SlackInteractionController {

  private static final Logger log = LoggerFactory.getLogger(SlackInteractionController.class);

  /** Snoozing from Slack holds the task a day, as the console's default choice. */
  static final Duration SNOOZE = Duration.ofDays(1);

  static final String NOTE = "Completed from Slack";

  private final SlackSignature signature;
  private final ObjectProvider<SlackClient> slack;
  private final People people;
  private final Access access;
  private final TaskQueue tasks;
  private final ObjectMapper json;
  private final Clock clock;
  private final MeterRegistry meters;

  SlackInteractionController(
      SlackSignature signature,
      ObjectProvider<SlackClient> slack,
      People people,
      Access access,
      TaskQueue tasks,
      ObjectMapper json,
      Clock clock,
      MeterRegistry meters) {
    this.signature = signature;
    this.slack = slack;
    this.people = people;
    this.access = access;
    this.tasks = tasks;
    this.json = json;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * What became of a click: {@code status} done, snoozed, closed (the task was closed already),
   * refused (with the {@code reason}) or ignored (not a button of ours).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Handled(String action, String status, Long taskId, String reason) {
    static final String DONE = "done";
    static final String SNOOZED = "snoozed";
    static final String CLOSED = "closed";
    static final String REFUSED = "refused";
    static final String IGNORED = "ignored";
  }

  @Operation(
      operationId = "receiveSlackInteraction",
      summary = "Receive a Slack button click",
      description =
          "Slack's interaction endpoint (form-encoded payload=<JSON>): X-Slack-Signature"
              + " v0=<hex HMAC-SHA256 of \"v0:<X-Slack-Request-Timestamp>:<raw body>\" with"
              + " retention.slack.signing-secret>; a missing or wrong signature, or a timestamp"
              + " more than 5 minutes from now, is refused (401) and changes nothing. A"
              + " block_actions click on complete or snooze (value: the task id) completes the"
              + " task, or snoozes it a day, as the Slack user's person (matched by address) would"
              + " in the console; 200 with status done, snoozed, closed, refused (and the reason)"
              + " or ignored.")
  @PostMapping(
      path = "/api/webhooks/slack/interactions",
      consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
  @ApiResponse(responseCode = "200", description = "Handled", useReturnTypeSchema = true)
  ResponseEntity<Handled> interaction(
      @RequestHeader(name = SlackSignature.SIGNATURE, required = false) String sig,
      @RequestHeader(name = SlackSignature.TIMESTAMP, required = false) String timestamp,
      HttpServletRequest request)
      throws IOException {
    // The raw body, byte for byte as signed: read before anything parses the form.
    byte[] body = request.getInputStream().readAllBytes();
    String problem = signature.problem(body, timestamp, sig);
    if (problem != null) {
      count("refused-signature");
      throw WebhookSupport.unauthorized(problem);
    }
    JsonNode payload = payload(body);
    if (!"block_actions".equals(text(payload, "type"))) {
      return answer(new Handled(null, Handled.IGNORED, null, "only block_actions are handled"));
    }
    JsonNode action = payload.path("actions").path(0);
    String actionId = text(action, "action_id");
    if (!SlackMessages.COMPLETE.equals(actionId) && !SlackMessages.SNOOZE.equals(actionId)) {
      return answer(new Handled(actionId, Handled.IGNORED, null, "not a button of ours"));
    }
    long taskId;
    try {
      taskId = Long.parseLong(String.valueOf(text(action, "value")).strip());
    } catch (NumberFormatException e) {
      throw malformed("payload", "actions[0].value is not a task id");
    }
    String slackUser = text(payload.path("user"), "id");
    if (slackUser == null || slackUser.isBlank()) {
      throw malformed("payload", "user.id is missing");
    }
    Optional<Caller> caller;
    try {
      caller = person(slackUser);
    } catch (SlackFailure e) {
      return answer(
          new Handled(
              actionId,
              Handled.REFUSED,
              taskId,
              "Slack could not tell who clicked: " + e.getMessage()));
    }
    if (caller.isEmpty()) {
      return answer(
          new Handled(
              actionId,
              Handled.REFUSED,
              taskId,
              "the Slack user's address is not one of our people's (or the person is disabled)"));
    }
    return answer(act(caller.get(), actionId, taskId));
  }

  /** As the console does it, with the person's rights. */
  private Handled act(Caller caller, String actionId, long taskId) {
    SecurityContext before = SecurityContextHolder.getContext();
    SecurityContext as = SecurityContextHolder.createEmptyContext();
    as.setAuthentication(new CallerAuthentication(caller));
    SecurityContextHolder.setContext(as);
    try {
      Optional<TaskQueue.Task> task = tasks.find(taskId);
      if (task.isEmpty()) {
        return new Handled(actionId, Handled.REFUSED, taskId, "no task " + taskId);
      }
      try {
        access.customer(task.get().customerId());
      } catch (ApiProblem e) {
        return new Handled(actionId, Handled.REFUSED, taskId, e.getMessage());
      }
      TaskQueue.Change change =
          SlackMessages.COMPLETE.equals(actionId)
              ? tasks.complete(taskId, caller.actor(), NOTE)
              : tasks.snooze(taskId, clock.instant().plus(SNOOZE), caller.actor());
      if (change.refusal() == TaskQueue.Refusal.NOT_FOUND) {
        return new Handled(actionId, Handled.REFUSED, taskId, "no task " + taskId);
      }
      if (change.refusal() == TaskQueue.Refusal.CLOSED) {
        return new Handled(
            actionId, Handled.CLOSED, taskId, "the task is " + change.task().status());
      }
      return new Handled(
          actionId,
          SlackMessages.COMPLETE.equals(actionId) ? Handled.DONE : Handled.SNOOZED,
          taskId,
          null);
    } finally {
      SecurityContextHolder.setContext(before);
    }
  }

  /** The enabled person whose address the Slack user has. */
  private Optional<Caller> person(String slackUser) throws SlackFailure {
    SlackClient client = slack.getIfAvailable();
    if (client == null) {
      throw new SlackFailure(
          SlackFailure.Kind.UNAUTHORIZED, "retention.slack.token is not set", null);
    }
    return client
        .userInfo(slackUser)
        .map(SlackClient.SlackUser::email)
        .flatMap(people::findByEmail)
        .filter(People.Person::enabled)
        .map(People.Person::caller);
  }

  private JsonNode payload(byte[] body) {
    String form = new String(body, StandardCharsets.UTF_8);
    for (String pair : form.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if ("payload".equals(name) && eq >= 0) {
        try {
          return json.readTree(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (JacksonException | IllegalArgumentException e) {
          throw malformed("payload", "payload is not JSON");
        }
      }
    }
    throw malformed("payload", "the form has no payload field");
  }

  /** A signed request whose body is not an interaction: 400 naming the form field. */
  private static ApiProblem malformed(String field, String detail) {
    return new ApiProblem(HttpStatus.BAD_REQUEST, "Malformed webhook", detail, field, null);
  }

  private ResponseEntity<Handled> answer(Handled handled) {
    count(handled.status());
    log.info(
        "slack interaction: {} {}{}",
        handled.action(),
        handled.status(),
        handled.taskId() == null ? "" : " (task " + handled.taskId() + ")");
    return ResponseEntity.status(HttpStatus.OK).body(handled);
  }

  private void count(String result) {
    meters.counter("retention.slack.interactions", "result", result).increment();
  }
}
