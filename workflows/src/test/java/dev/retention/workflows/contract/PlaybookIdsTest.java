package dev.retention.workflows.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A workflow id names its playbook and customer, both of which may hold hyphens. */
class PlaybookIdsTest {

  @Test
  void theBuiltInOnesAreKnown_andTheLongestKnownIdWins() {
    assertThat(PlaybookIds.customerOf("nps-follow-up-c-42")).contains("c-42");
    assertThat(PlaybookIds.playbookOf("at-risk-c-42")).contains("at-risk");
    PlaybookIds.register("nps");
    assertThat(PlaybookIds.playbookOf("nps-follow-up-c-42")).contains("nps-follow-up");
    assertThat(PlaybookIds.playbookOf("nps-c-42")).contains("nps");
  }

  @Test
  void aPlaybookDefinedByATeam_isFoundOnceRegistered() {
    assertThat(PlaybookIds.customerOf("webinar-follow-up-c-7")).isEmpty();
    PlaybookIds.register("webinar-follow-up");
    assertThat(PlaybookIds.customerOf("webinar-follow-up-c-7")).contains("c-7");
    assertThat(Playbook.customerOf("webinar-follow-up-c-7")).contains("c-7");
    assertThat(PlaybookIds.known()).contains("webinar-follow-up", "at-risk");
  }

  @Test
  void otherWorkflowIds_nameNoCustomer() {
    assertThat(PlaybookIds.customerOf("retention-purge")).isEmpty();
    assertThat(PlaybookIds.customerOf("at-risk-")).isEmpty();
    assertThat(PlaybookIds.customerOf(null)).isEmpty();
  }
}
