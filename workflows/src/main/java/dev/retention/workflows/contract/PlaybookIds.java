package dev.retention.workflows.contract;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every playbook id this process knows: the built-in five ({@link Playbook}) and those a team
 * defined (the definition store registers each id it reads or stores). A run's workflow id is
 * {@code <playbook>-<customerId>}, and both parts may hold hyphens ({@code nps-follow-up-c-42}), so
 * the customer a workflow id names is found through the known ids, the longest first. It is a
 * registry in the process, not a bean, because the payload codec learns only a workflow id from
 * Temporal's serialization context and must find the customer's data key from it.
 */
public final class PlaybookIds {

  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  static {
    Arrays.stream(Playbook.values()).map(Playbook::id).forEach(KNOWN::add);
  }

  private PlaybookIds() {}

  /** Makes {@code id} known (idempotent). */
  public static void register(String id) {
    if (id != null && !id.isBlank()) {
      KNOWN.add(id);
    }
  }

  /** The ids known, sorted. */
  public static List<String> known() {
    return KNOWN.stream().sorted().toList();
  }

  /** One run per playbook per customer: the workflow id is readable and deterministic. */
  public static String workflowId(String playbookId, String customerId) {
    return playbookId + "-" + customerId;
  }

  /** The playbook a workflow id names, the longest known id that prefixes it; empty for others. */
  public static Optional<String> playbookOf(String workflowId) {
    if (workflowId == null) {
      return Optional.empty();
    }
    String best = null;
    for (String id : KNOWN) {
      String prefix = id + "-";
      if (workflowId.length() > prefix.length()
          && workflowId.startsWith(prefix)
          && (best == null || id.length() > best.length())) {
        best = id;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The customer a workflow id names ({@link #workflowId}'s inverse); empty for others. */
  public static Optional<String> customerOf(String workflowId) {
    return playbookOf(workflowId).map(id -> workflowId.substring(id.length() + 1));
  }
}
