package dev.retention.workflows.contract;

/** What every playbook's input says about its run: whose it is, and what started it. */
public interface RunInput {

  PlaybookContext context();

  /**
   * What started the run, as the Temporal UI shows it (e.g. {@code health fell to 46}, {@code
   * sign-up}): ids, scores and enum names only, never free text a person typed.
   */
  String trigger();

  /**
   * The stage the run starts in, where its input alone decides it (a hand-written playbook's; on
   * the engine, a definition that writes its first stage out): given with the start's search
   * attributes, so the run's first workflow task need not upsert it ({@code
   * RunVersions.FIRST_STAGE_AT_START}). Null where the run decides it itself (a first stage a
   * definition renders from the run's start).
   */
  default String firstStage() {
    return null;
  }
}
