package dev.retention.workflows.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names the engine itself answers in a definition's expressions, in one place: {@link
 * PlaybookEngineImpl} answers them and {@link DefinitionValidator} allows them, so a name the one
 * knows the other cannot miss.
 */
public final class EngineNames {

  /** The run's own state, known in every expression. */
  public static final Set<String> BUILTINS =
      Set.of(
          "now",
          "start",
          "stage",
          "outcome",
          "closed",
          "customerResponded",
          "customerId",
          "csmId",
          "milestones");

  /** What a run's variables and first stage may read: they are set before the run exists. */
  public static final Set<String> AT_START = Set.of("now", "start", "customerId", "csmId");

  /** The names each compute function sets. */
  public static final Map<String, List<String>> COMPUTED =
      Map.of(
          "expansionFigures",
          List.of("figures", "nextPlan", "currentPlan"),
          "usageFigures",
          List.of("usageMeasured", "loginsPerWeek", "queriesPerWeek", "featuresUsed"));

  /**
   * What a condition trigger reads: the customer's facts as a new health score leaves them (score
   * and band, plan usage 0..1, plan and MRR).
   */
  public static final Set<String> TRIGGER_FACTS =
      Set.of("score", "band", "planUsage", "plan", "mrr");

  private EngineNames() {}
}
