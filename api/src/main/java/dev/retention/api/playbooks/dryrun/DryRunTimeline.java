package dev.retention.api.playbooks.dryrun;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code POST /api/playbooks/dry-run} answers: the timeline the run would produce for the
 * customer, in order, and where it ends. {@code status} is {@code COMPLETED} when the run ended
 * within {@code horizon} of its start, {@code RUNNING} when it still waited there (its last wait
 * says for what). Nothing of it happened: no email was sent, nothing written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DryRunTimeline(
    String playbook,
    String customerId,
    String dayLength,
    Instant startedAt,
    String horizon,
    String status,
    String stage,
    String outcome,
    String outcomeReason,
    List<Entry> entries,
    long elapsedMillis) {

  /**
   * One moment of the timeline: when (ISO offset from the start, the playbook day it falls on, and
   * the absolute time had the run started now), its kind, the step, a one-line summary and the
   * details of its kind.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      String offset,
      double day,
      Instant at,
      String kind,
      String step,
      String summary,
      Email email,
      Task task,
      Wait waiting,
      Map<String, String> data) {}

  /** An email as it would go out: rendered for the customer, from their CSM. */
  public record Email(
      String from, String to, String subject, String body, String locale, String template) {}

  /** A CRM task as it would be created. */
  public record Task(
      String assignee,
      String assigneeEmail,
      String title,
      String body,
      String priority,
      String dueOffset,
      Instant due) {}

  /** What the run waits for ({@code on}: AUTOMATED_STEP, CSM or CUSTOMER), and until when. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Wait(String waitingFor, String on, String untilOffset, Instant until) {}

  /** The kinds of entries. */
  public static final class Kind {
    public static final String EMAIL = "EMAIL";
    public static final String ALERT = "ALERT";
    public static final String TASK = "TASK";
    public static final String NOTE = "NOTE";
    public static final String TAG = "TAG";
    public static final String WAIT = "WAIT";
    public static final String STAGE = "STAGE";
    public static final String BACKEND = "BACKEND";
    public static final String FACTS = "FACTS";
    public static final String STEP = "STEP";
    public static final String EVENT = "EVENT";
    public static final String OUTCOME = "OUTCOME";

    private Kind() {}
  }
}
