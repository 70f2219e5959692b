package dev.retention.api.playbooks;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.OneOf;
import dev.retention.api.problems.ApiProblem;
import dev.retention.workflows.contract.CsmOutcome;
import dev.retention.workflows.contract.OutcomeType;
import dev.retention.workflows.contract.PlaybookIds;
import dev.retention.workflows.contract.RunView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * A CSM's outcome recorded on a run, the one way the API and the console do it: the type checked
 * against the outcome types and the note by the free-text rule (400 naming the field), then the
 * run's validated Update, timed as {@code retention.outcome.roundtrip} by playbook and result
 * (accepted, refused, error). Answers the run's state as the Update returned it.
 */
@Component
public class RunOutcomes {

  private final PlaybookClient client;
  private final MeterRegistry meters;

  public RunOutcomes(PlaybookClient client, MeterRegistry meters) {
    this.client = client;
    this.meters = meters;
  }

  /** Records {@code type} with {@code note} by {@code author} (the caller, checked already). */
  public RunView record(String workflowId, String type, String note, String author) {
    OutcomeType outcome =
        OneOf.parse("type", type, "outcome type", "outcome types", OutcomeType.values());
    FreeText.Validator.check("note", note);
    Timer.Sample sample = Timer.start(meters);
    String result = "error";
    try {
      RunView view = client.recordOutcome(workflowId, new CsmOutcome(outcome, note, author));
      result = "accepted";
      return view;
    } catch (ApiProblem refused) {
      result = "refused";
      throw refused;
    } finally {
      // The outcome round trip as a CSM sees it: validated, applied and answered by the run.
      sample.stop(
          Timer.builder("retention.outcome.roundtrip")
              .description("A CSM outcome from request to the run's answer")
              .tag("playbook", PlaybookIds.playbookOf(workflowId).orElse("unknown"))
              .tag("result", result)
              .publishPercentileHistogram()
              .register(meters));
    }
  }
}
