package dev.retention.workflows.common;

import io.temporal.common.SearchAttributeKey;

/** Search attributes that let ops filter runs in the Temporal UI. Ids only, never PII. */
public final class RunSearchAttributes {
  public static final SearchAttributeKey<String> PLAYBOOK =
      SearchAttributeKey.forKeyword("Playbook");
  public static final SearchAttributeKey<String> CUSTOMER_ID =
      SearchAttributeKey.forKeyword("CustomerId");
  public static final SearchAttributeKey<String> CSM_ID = SearchAttributeKey.forKeyword("CsmId");
  public static final SearchAttributeKey<String> STAGE = SearchAttributeKey.forKeyword("Stage");

  private RunSearchAttributes() {}
}
