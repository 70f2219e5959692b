package dev.retention.workflows.contract;

import java.util.Arrays;
import java.util.Optional;

/** The five playbooks, by the names the HTTP contract uses. */
public enum Playbook {
  AT_RISK("at-risk"),
  EXPANSION("expansion"),
  ONBOARDING("onboarding"),
  NPS_FOLLOW_UP("nps-follow-up"),
  CANCELLATION_SAVE("cancellation-save");

  private final String id;

  Playbook(String id) {
    this.id = id;
  }

  /** The name in the API, e.g. {@code at-risk}. */
  public String id() {
    return id;
  }

  /** One run per playbook per customer: the workflow id is readable and deterministic. */
  public String workflowId(String customerId) {
    return id + "-" + customerId;
  }

  /**
   * The customer a run's workflow id names ({@link #workflowId}'s inverse), for every known
   * playbook ({@link PlaybookIds}); empty for others.
   */
  public static Optional<String> customerOf(String workflowId) {
    return PlaybookIds.customerOf(workflowId);
  }

  public static Optional<Playbook> fromId(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
  }
}
