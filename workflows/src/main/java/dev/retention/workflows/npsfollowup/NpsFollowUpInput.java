package dev.retention.workflows.npsfollowup;

import dev.retention.workflows.contract.PlaybookContext;
import dev.retention.workflows.contract.RunInput;
import java.util.Locale;

/** Starts an NPS follow-up: the customer's score (0..10) and their comment, if any. */
public record NpsFollowUpInput(PlaybookContext context, int score, String comment)
    implements RunInput {

  /** The category, never the comment. */
  @Override
  public String trigger() {
    return "NPS answer, " + category().name().toLowerCase(Locale.ROOT);
  }

  /** A promoter's run starts in advocacy, a passive's awaiting feedback, a detractor's outreach. */
  @Override
  public String firstStage() {
    return NpsFollowUpPlaybookImpl.initialStage(category()).name();
  }

  public NpsCategory category() {
    return NpsCategory.of(score);
  }
}
