package dev.retention.workflows.npsfollowup;

import dev.retention.workflows.common.PlaybookContext;

/** Starts an NPS follow-up: the customer's score (0..10) and their comment, if any. */
public record NpsFollowUpInput(PlaybookContext context, int score, String comment) {

  public NpsCategory category() {
    return NpsCategory.of(score);
  }
}
