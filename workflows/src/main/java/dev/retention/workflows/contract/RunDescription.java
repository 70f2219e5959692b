package dev.retention.workflows.contract;

/**
 * A run's static summary and details, set when it starts and shown by the Temporal UI and {@code
 * temporal workflow describe}: the playbook, the customer and CSM ids, the trigger and the cadence.
 * Ids and enum names only: no name, email address or comment, whether or not the payload codec
 * encrypts them.
 */
public record RunDescription(String summary, String details) {

  /** The description of a run of {@code playbook} started with {@code input}. */
  public static RunDescription of(Playbook playbook, RunInput input) {
    return of(playbook.id(), input);
  }

  /** The description of a run of the playbook {@code playbookId} started with {@code input}. */
  public static RunDescription of(String playbookId, RunInput input) {
    PlaybookContext context = input.context();
    String summary = playbookId + " for " + context.customerId() + ": " + input.trigger();
    String details =
        "- playbook: "
            + playbookId
            + "\n- customer: "
            + context.customerId()
            + "\n- CSM: "
            + context.csmId()
            + "\n- trigger: "
            + input.trigger()
            + "\n- day length: "
            + context.cadence().dayLength()
            + "\n- state: `temporal workflow query --name state`; outcomes: update "
            + PlaybookWorkflow.RECORD_OUTCOME;
    return new RunDescription(summary, details);
  }
}
