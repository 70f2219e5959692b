package dev.retention.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retention.api.problems.ProblemTextsAccess;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.ResourceBundleMessageSource;

/** Stored English texts said again in the viewer's words, without Spring or a database. */
class ConsoleWordsTest {

  /** Every step key the playbooks use (a new one needs a label in both languages). */
  static final List<String> STEPS =
      List.of(
          "advocate-tag",
          "call-completed",
          "call-no-answer",
          "came-back",
          "cancellation-withdrawn",
          "churned-customer-replied-task",
          "comment-feature-request",
          "csm-alert",
          "customer-interested-task",
          "customer-responded-task",
          "day-0-welcome-email",
          "day-1-email",
          "day-1-urgent-call-task",
          "day-1-usage-email",
          "day-13-trial-ending",
          "day-14-email",
          "day-14-offer-email",
          "day-14-trial-end",
          "day-17-churning-tag",
          "day-2-setup-help",
          "day-3-email",
          "day-3-onboarding-call",
          "day-3-setup-assistance-task",
          "day-30-close",
          "day-6-conversion-email",
          "day-7-call-task",
          "day-7-case-study-email",
          "decision-deadline",
          "decision-deadline-manager-task",
          "detractor-task",
          "executive-task",
          "exit-survey",
          "feature-request",
          "health-dropped",
          "health-recovered",
          "manager-alert",
          "no-reply",
          "offer-accepted",
          "offer-email",
          "offer-expiry",
          "outreach-done",
          "outreach-sla",
          "outreach-sla-escalation",
          "recovery-plan",
          "referral-invite",
          "reply-feature-request",
          "resolution-deadline",
          "review-ask",
          "save-call-done",
          "save-call-sla",
          "save-call-sla-escalation",
          "save-call-task",
          "thank-you",
          "trial-expired-task",
          "win-back-day-30",
          "stalled-task-2",
          "milestone-first-query",
          "day-1-email-failed",
          "day-3-email-suppressed");

  private final ConsoleWords words;

  ConsoleWordsTest() {
    ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
    messages.setBasenames("console/messages", "problems/messages");
    messages.setDefaultEncoding("UTF-8");
    messages.setFallbackToSystemLocale(false);
    ConsoleFormat format = new ConsoleFormat(null);
    words = new ConsoleWords(messages, null, format, ProblemTextsAccess.texts(messages), null);
  }

  @AfterEach
  void reset() {
    LocaleContextHolder.resetLocaleContext();
  }

  @Test
  void everyStepHasALabel_notItsId() {
    ConsoleFormat format = new ConsoleFormat(null);
    LocaleContextHolder.setLocale(Locale.ENGLISH);
    for (String step : STEPS) {
      assertThat(words.step(step)).as(step).doesNotContain(step);
    }
    // In Dutch a step without a label would read as its id in English words.
    LocaleContextHolder.setLocale(Locale.forLanguageTag("nl"));
    for (String step : STEPS) {
      assertThat(words.step(step)).as(step).doesNotContain(step).isNotEqualTo(format.words(step));
    }
  }

  @Test
  void aTaskTitleAndATimelineEntryInDutch_withLabelsForCodes() {
    LocaleContextHolder.setLocale(Locale.forLanguageTag("nl"));
    assertThat(words.text("Critical health (12): call within 24 hours"))
        .isEqualTo("Kritieke gezondheid (12): bel binnen 24 uur");
    assertThat(
            words.text(
                "Phone or video call. Record CALL_COMPLETED with the plan as a note, or"
                    + " CALL_NO_ANSWER."))
        .isEqualTo(
            "Telefoon- of videogesprek. Leg „Gesprek gevoerd” vast met het plan als notitie, of"
                + " „Gesprek: geen gehoor”.");
    assertThat(
            words.timeline(
                "day-7-call-task: TASK_CREATED HIGH task for csm: Call attempt: understand"
                    + " blockers, agree an action plan"))
        .isEqualTo(
            "Beltaak, dag 7: taak aangemaakt, taak (Hoog) voor de CSM: Belpoging: begrijp wat"
                + " blokkeert, spreek een actieplan af");
    assertThat(words.timeline("at-risk closed SAVED: recorded by the CSM"))
        .isEqualTo("Klant in gevaar gesloten: Behouden (vastgelegd door de CSM)");
    assertThat(words.waiting("the CSM's SAVED or CHURNED"))
        .isEqualTo("de uitkomst van de CSM: Behouden of Vertrokken");
    assertThat(words.timeline("A/B day-1-subject: variant B"))
        .isEqualTo("A/B-test day-1-subject: variant B");
  }

  @Test
  void aBookedMeeting_onTheTimelineAndInTheHandOverTask_inDutchAndEnglish() {
    LocaleContextHolder.setLocale(Locale.forLanguageTag("nl"));
    assertThat(words.timeline("Meeting booked via calendly; automated emails stopped"))
        .isEqualTo("Afspraak geboekt via calendly: automatische e-mails gestopt");
    assertThat(words.timeline("Meeting booked")).isEqualTo("Afspraak geboekt");
    assertThat(
            words.text(
                "The customer answered (meeting-booked:calendly). Automated emails have stopped."))
        .isEqualTo(
            "De klant reageerde (een afspraak geboekt via calendly). De automatische e-mails zijn"
                + " gestopt.");
    LocaleContextHolder.setLocale(Locale.ENGLISH);
    assertThat(words.timeline("Meeting booked; automated emails stopped"))
        .isEqualTo("Meeting booked: automated emails stopped");
    assertThat(
            words.text(
                "The customer answered (meeting-booked:meeting). Automated emails have stopped."))
        .isEqualTo("The customer answered (a meeting booked). Automated emails have stopped.");
  }

  @Test
  void inEnglishTooOutcomesAreLabels_andAnUnknownTextStaysAsStored() {
    LocaleContextHolder.setLocale(Locale.ENGLISH);
    assertThat(words.text("Comment: slow. Record OUTREACH_DONE once you reached them."))
        .isEqualTo("Comment: slow. Record \"Outreach done\" once you reached them.");
    assertThat(words.text("Something a newer playbook wrote"))
        .isEqualTo("Something a newer playbook wrote");
    assertThat(words.stage("SOME_NEW_STAGE")).isEqualTo("Some new stage");
  }
}
