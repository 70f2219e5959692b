package dev.retention.data.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One line of a customer's timeline, as the API shows it; {@code note} is what a person wrote (an
 * outcome's note, a note or logged call on the customer, a task's completion note), verbatim, and
 * {@code author} who wrote it.
 */
public record TimelineItem(
    Instant at,
    String kind,
    String playbook,
    String workflowId,
    String summary,
    @JsonInclude(JsonInclude.Include.NON_NULL) String note,
    @JsonInclude(JsonInclude.Include.NON_NULL) String author) {

  /** An entry of the ledger's, which carries no note. */
  public TimelineItem(Instant at, String kind, String playbook, String workflowId, String summary) {
    this(at, kind, playbook, workflowId, summary, null, null);
  }
}
