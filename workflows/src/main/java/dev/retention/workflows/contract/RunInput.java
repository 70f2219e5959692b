package dev.retention.workflows.contract;

/** What every playbook's input says about its run: whose it is, and what started it. */
public interface RunInput {

  PlaybookContext context();

  /**
   * What started the run, as the Temporal UI shows it (e.g. {@code health fell to 46}, {@code
   * sign-up}): ids, scores and enum names only, never free text a person typed.
   */
  String trigger();
}
