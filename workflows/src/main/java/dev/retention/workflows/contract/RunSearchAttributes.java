package dev.retention.workflows.contract;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.util.List;

/** Search attributes that let ops filter runs in the Temporal UI. Ids only, never PII. */
public final class RunSearchAttributes {
  public static final SearchAttributeKey<String> PLAYBOOK =
      SearchAttributeKey.forKeyword("Playbook");
  public static final SearchAttributeKey<String> CUSTOMER_ID =
      SearchAttributeKey.forKeyword("CustomerId");
  public static final SearchAttributeKey<String> CSM_ID = SearchAttributeKey.forKeyword("CsmId");
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("Stage");

  /**
   * The definition version a run follows, as {@code playbook@version} (e.g. {@code at-risk@3}); set
   * at start, so it costs the run no event. Runs of the hand-written workflow types have none.
   */
  public static final SearchAttributeKey<String> PLAYBOOK_VERSION =
      SearchAttributeKey.forKeyword("PlaybookVersion");

  /** Every run search attribute (all Keyword), as the servers must register them. */
  public static final List<String> KEYWORDS =
      List.of(
          PLAYBOOK.getName(),
          CUSTOMER_ID.getName(),
          CSM_ID.getName(),
          STAGE.getName(),
          PLAYBOOK_VERSION.getName());

  /**
   * A run's search attributes at its start: whose run it is, and its first stage where its input
   * decides it ({@link RunInput#firstStage}; since frame version 6 the run then does not upsert
   * it). {@code input} may be null: a start without one leaves the stage to the run.
   */
  public static SearchAttributes.Builder atStart(
      String playbook, String customerId, String csmId, RunInput input) {
    SearchAttributes.Builder attributes =
        SearchAttributes.newBuilder()
            .set(PLAYBOOK, playbook)
            .set(CUSTOMER_ID, customerId)
            .set(CSM_ID, csmId);
    if (input != null && input.firstStage() != null) {
      attributes.set(STAGE, input.firstStage());
    }
    return attributes;
  }

  private RunSearchAttributes() {}
}
