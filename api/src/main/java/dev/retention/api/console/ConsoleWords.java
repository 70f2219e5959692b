package dev.retention.api.console;

import dev.retention.data.console.ConsoleReads;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.NoSuchMessageException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Words, not identifiers, in the viewer's language ({@code ${@words.step(s)}} in the templates).
 * Runs store their texts in English (task titles and bodies, timeline entries, step details, what a
 * run waits for), written by workflow code whose command sequence must not change. The console
 * renders them at read time instead: from the task's or entry's step key, with the arguments taken
 * from the stored English text by a known pattern ({@link #PHRASES}); a text no pattern knows is
 * shown as stored. Codes (stages, statuses, outcomes, results, priorities) read as labels; a code
 * without a label reads as words ("MY_STAGE" → "My stage"), never as the code.
 */
@Component("words")
public class ConsoleWords {

  /**
   * How an argument taken from a stored text is shown: {@code n} as stored, {@code s} a step label,
   * {@code o} an outcome label, {@code b} a band label, {@code m} a list of milestones, {@code r} a
   * cancellation reason, {@code f} a save offer's description, {@code c} an NPS category, {@code t}
   * a time, {@code p} a playbook, {@code x} a stored detail (itself a phrase).
   */
  record Phrase(Pattern english, String key, String args) {
    static Phrase of(String regex, String key, String args) {
      return new Phrase(Pattern.compile(regex, Pattern.DOTALL), key, args);
    }
  }

  /** The English texts runs and the API store, each with the message that says it. */
  static final List<Phrase> PHRASES =
      List.of(
          // Outcomes the run refused (the workflow's validator).
          Phrase.of(
              "([A-Z_]+) is not valid for (\\S+) in stage ([A-Z_]+); valid now: \\[(.*)\\]",
              "rejected.notValidNow",
              "opgO"),
          Phrase.of("the run is already closed with outcome ([A-Z_]+)", "rejected.closed", "o"),
          Phrase.of(
              "the run's outcome is already ([A-Z_]+); it only has follow-up steps left",
              "rejected.decided",
              "o"),
          Phrase.of(
              "run (\\S+) is closed \\((.*)\\); nothing can be recorded on it",
              "rejected.runClosed",
              "Px"),
          Phrase.of("the run has closed", "rejected.hasClosed", ""),
          Phrase.of("RECOVERY_PLAN needs the plan as its note", "rejected.recoveryPlanNote", ""),
          Phrase.of("the note is longer than (\\d+) characters", "rejected.noteTooLong", "n"),
          // What a run waits for.
          Phrase.of("the scheduled step (\\S+)", "waiting.step", "s"),
          Phrase.of("the (\\S+) step", "waiting.step", "s"),
          Phrase.of("the (\\S+) email", "waiting.email", "s"),
          Phrase.of("the CSM's ([A-Z_]+) or ([A-Z_]+)", "waiting.either", "oo"),
          Phrase.of("the CSM's ([A-Z_]+)", "waiting.one", "o"),
          Phrase.of("([A-Z_]+) or ([A-Z_]+)", "waiting.either", "oo"),
          Phrase.of("the review request on day (\\d+)", "waiting.reviewAsk", "n"),
          Phrase.of("the referral invite on day (\\d+)", "waiting.referral", "n"),
          Phrase.of("an upgrade", "waiting.upgrade", ""),
          // Task titles.
          Phrase.of(
              "Critical health \\((\\d+)\\): call within 24 hours", "task.urgentCall.title", "n"),
          Phrase.of(
              "Health is in the critical band\\. Call the customer within 24 hours\\.",
              "task.urgentCall.body",
              ""),
          Phrase.of(
              "Call attempt: understand blockers, agree an action plan", "task.call.title", ""),
          Phrase.of(
              "Phone or video call\\. Record ([A-Z_]+) with the plan as a note, or ([A-Z_]+)\\.",
              "task.call.body",
              "oo"),
          Phrase.of("At-risk run unresolved after (\\d+) days", "task.decision.title", "n"),
          Phrase.of(
              "The CSM recorded neither ([A-Z_]+) nor ([A-Z_]+) within (\\d+) days of the"
                  + " hand-over\\.",
              "task.decision.body",
              "oon"),
          Phrase.of("Customer responded: follow up personally", "task.responded.title", ""),
          Phrase.of(
              "Customer responded about the cancellation: follow up personally",
              "task.respondedCancellation.title",
              ""),
          Phrase.of(
              "A churned customer replied: follow up personally", "task.churnedReplied.title", ""),
          Phrase.of(
              "Customer interested in expanding: follow up personally",
              "task.interested.title",
              ""),
          Phrase.of("Promoter replied: follow up personally", "task.promoterReplied.title", ""),
          Phrase.of("Trial customer replied: follow up personally", "task.trialReplied.title", ""),
          Phrase.of(
              "Trial barely used: offer a personal demo and setup call",
              "task.trialDemo.title",
              ""),
          Phrase.of(
              "Logins (\\d+) and questions (\\d+) in the last week\\. Offer a 30-minute demo with"
                  + " their own use case; record ([A-Z_]+) once it is held\\.",
              "task.trialDemo.body",
              "nno"),
          Phrase.of(
              "The customer answered \\((.*?)\\)\\. Automated emails have stopped\\.",
              "task.answered.body",
              "S"),
          Phrase.of(
              "The customer answered \\((.*?)\\)\\. The win-back emails have stopped\\.",
              "task.answeredWinBack.body",
              "S"),
          Phrase.of("Cancellation request: save call within 2 hours", "task.saveCall.title", ""),
          Phrase.of(
              "Reason: ([A-Z_]+)\\. Offer to make: (.*?)\\. The cancellation is held until (\\S+)\\."
                  + " Record ([A-Z_]+) after the call\\.",
              "task.saveCall.body",
              "rfto"),
          Phrase.of(
              "No save call within 2 hours of a cancellation request",
              "task.saveCallSla.title",
              ""),
          Phrase.of(
              "The CSM has not recorded ([A-Z_]+)\\. Reason: ([A-Z_]+)\\.",
              "task.saveCallSla.body",
              "or"),
          Phrase.of(
              "Save offer rejected: executive outreach within 1 day", "task.executive.title", ""),
          Phrase.of("The customer rejected (.*?)\\. CSM note: (.*)", "task.executive.body", "fn"),
          Phrase.of(
              "NPS detractor \\((\\d+)\\): reach out within 24 hours", "task.detractor.title", "n"),
          Phrase.of(
              "Comment: (.*)\\. Record ([A-Z_]+) once you reached them\\.",
              "task.detractor.body",
              "no"),
          Phrase.of("NPS detractor not contacted within 24 hours", "task.detractorSla.title", ""),
          Phrase.of("Score (\\d+)\\. Comment: (.*)", "task.detractorSla.body", "nn"),
          Phrase.of(
              "Setup assistance: no first query after 3 days", "task.setupAssistance.title", ""),
          Phrase.of(
              "Offer a personal onboarding call and help them ask their first question\\.",
              "task.setupAssistance.body",
              ""),
          Phrase.of("Trial expired without a payment method", "task.trialExpired.title", ""),
          Phrase.of(
              "Milestones reached: (\\[.*?\\])\\. Reach out about converting\\.",
              "task.trialExpired.body",
              "m"),
          Phrase.of("Onboarding stalled: no milestone for (\\d+) days", "task.stalled.title", "n"),
          Phrase.of(
              "Milestones so far: (\\[.*?\\])\\. Help the customer take the next step\\.",
              "task.stalled.body",
              "m"),
          Phrase.of("Email could not be sent: reach out personally", "task.emailFailed.title", ""),
          Phrase.of("The automated (\\S+) email failed: (.*)", "task.emailFailed.body", "nn"),
          Phrase.of(
              "Customer cannot be emailed: reach out another way", "task.suppressed.title", ""),
          Phrase.of(
              "The (\\S+) email was not sent because the customer is suppressed\\.",
              "task.suppressed.body",
              "n"),
          Phrase.of("Health dropped (\\d+) points within 30 days", "task.healthDrop.title", "n"),
          Phrase.of(
              "Health is now (\\d+) \\(([A-Z_]+)\\), down from (\\d+)\\. Check in with the"
                  + " customer\\.",
              "task.healthDrop.body",
              "nbn"),
          // Step details and outcome reasons.
          // The A/B variant a run took (a split step): its timeline entry and step detail.
          Phrase.of("A/B (\\S+): variant (\\S+)", "timeline.abVariant", "nn"),
          Phrase.of("variant (\\S+)", "detail.variant", "n"),
          Phrase.of("action plan noted", "detail.actionPlanNoted", ""),
          Phrase.of("the playbook goes on", "detail.goesOn", ""),
          Phrase.of("not saved", "detail.notSaved", ""),
          Phrase.of("backend told", "detail.backendTold", ""),
          Phrase.of("the CSM can present the offer", "detail.presentOffer", ""),
          Phrase.of("recorded by the CSM", "detail.byCsm", ""),
          Phrase.of("the offer lapsed", "detail.offerLapsed", ""),
          Phrase.of("not resolved", "detail.notResolved", ""),
          Phrase.of("feature request captured", "detail.featureRequest", ""),
          Phrase.of("converted to paid", "detail.converted", ""),
          Phrase.of("not converted", "detail.notConverted", ""),
          Phrase.of("the trial ended without an upgrade", "detail.trialNoUpgrade", ""),
          Phrase.of("no check-in; the customer has not logged in yet", "detail.noLogin", ""),
          Phrase.of("churning", "detail.churning", ""),
          Phrase.of("advocate", "detail.advocate", ""),
          Phrase.of("the CSM owns the conversation", "detail.csmOwns", ""),
          Phrase.of("the run closed first", "detail.closedFirst", ""),
          Phrase.of("the run was stopped through the API", "detail.stopped", ""),
          Phrase.of("the customer receives no email", "detail.noEmail", ""),
          Phrase.of("health back at (\\d+)", "detail.healthBack", "n"),
          Phrase.of("health fell to (\\d+)", "detail.healthFell", "n"),
          Phrase.of("health (\\d+) \\(([A-Z_]+)\\)", "detail.healthBand", "nb"),
          Phrase.of("health (\\d+)", "detail.health", "n"),
          Phrase.of("(?:the )?customer upgraded to (.+)", "detail.upgradedTo", "n"),
          Phrase.of("upgraded to (.+)", "detail.upgradedTo", "n"),
          Phrase.of("customer is back on (.+)", "detail.backOn", "n"),
          Phrase.of("offer accepted: (\\S+)", "detail.offerAccepted", "f"),
          Phrase.of("review and referral invitations sent", "detail.invitationsSent", ""),
          Phrase.of("the trial ended without a payment method", "detail.trialEnded", ""),
          Phrase.of("every milestone reached", "detail.allMilestones", ""),
          Phrase.of("milestones not reached: (\\[.*?\\])", "detail.milestonesMissing", "m"),
          Phrase.of("missing: (\\[.*?\\])", "detail.milestonesMissing", "m"),
          // What a note on the timeline is (CustomerNotes' summary): its kind, with whom, or the
          // run's step that stored it.
          Phrase.of("call with (.+)", "summary.callWith", "n"),
          Phrase.of("meeting with (.+)", "summary.meetingWith", "n"),
          Phrase.of("note", "summary.note", ""),
          Phrase.of("call", "summary.call", ""),
          Phrase.of("meeting", "summary.meeting", ""),
          Phrase.of("([a-z0-9]+(?:-[a-z0-9]+)+)", "summary.step", "s"),
          // The notes a run writes with an outcome: its words, then what the CSM typed (as typed).
          Phrase.of("(?s)Call completed\\. Action plan: (.*)", "body.callCompleted", "n"),
          Phrase.of("(?s)Call attempt: no answer\\. ?(.*)", "body.callNoAnswer", "n"),
          Phrase.of("(?s)Outreach done\\. ?(.*)", "body.outreachDone", "n"),
          Phrase.of("(?s)Problem-solving call done\\. ?(.*)", "body.callDone", "n"),
          Phrase.of("(?s)Service recovery plan: (.*)", "body.recoveryPlan", "n"),
          Phrase.of("(?s)Resolved\\. ?(.*)", "body.resolved", "n"),
          Phrase.of("(?s)Demo or setup call held\\. ?(.*)", "body.demoHeld", "n"),
          Phrase.of("(?s)Trial declined\\. ?(.*)", "body.trialDeclined", "n"),
          Phrase.of("(?s)Save call done\\. ?(.*)", "body.saveCallDone", "n"),
          Phrase.of("(?s)Offer accepted: ([A-Z_]+)\\. ?(.*)", "body.offerAccepted", "fn"),
          Phrase.of("(?s)Churn confirmed\\. ?(.*)", "body.churnConfirmed", "n"),
          Phrase.of("(?s)Feature request \\(NPS (\\d+)\\): (.*)", "body.featureRequest", "nn"),
          Phrase.of("\\(none given\\)", "body.noneGiven", ""),
          // How a task ended (the close note the playbook writes; see TaskEndings).
          Phrase.of("the run's outcome was decided: ([A-Z_]+)", "closed.decided", "o"),
          Phrase.of("([A-Z_]+) recorded on the run: the call was tried", "closed.callTried", "o"),
          Phrase.of(
              "([A-Z_]+) recorded on the run: the detractor was contacted",
              "closed.detractorContacted",
              "o"),
          Phrase.of("([A-Z_]+) recorded on the run", "closed.outcome", "o"),
          Phrase.of("the customer upgraded \\(recorded on the run\\)", "closed.upgraded", ""),
          Phrase.of(
              "the customer reached a milestone: onboarding moves again", "closed.milestone", ""),
          Phrase.of("the customer reached ([A-Z_]+)", "closed.reached", "M"),
          Phrase.of("alert to (\\S+): \"(.*)\"", "detail.alertTo", "an"),
          Phrase.of("([A-Z]+) task for ([a-z]+): (.*)", "detail.taskFor", "yax"),
          Phrase.of("stopped through the API", "detail.stoppedApi", ""),
          Phrase.of("no reply within (\\d+) days", "detail.noReply", "n"),
          Phrase.of(
              "the customer's reply is captured as a feature request", "detail.replyCaptured", ""),
          Phrase.of("not resolved within (\\d+) days", "detail.notResolvedWithin", "n"),
          Phrase.of("no response by day (\\d+)", "detail.noResponseBy", "n"),
          Phrase.of("no decision within (\\d+) days", "detail.noDecision", "n"),
          Phrase.of(
              "not saved by the decision deadline; the cancellation proceeds",
              "detail.notSavedByDeadline",
              ""),
          Phrase.of("no upgrade by the end of the offer", "detail.noUpgrade", ""),
          Phrase.of("recorded by (\\S+)", "detail.recordedBy", "C"),
          Phrase.of("(\\S+) playbook started", "timeline.started", "p"),
          // Timeline entries written outside runs, and by email delivery events.
          Phrase.of("(\\S+): email delivered", "timeline.delivered", "s"),
          Phrase.of("(\\S+): email opened", "timeline.opened", "s"),
          Phrase.of("(\\S+): email clicked", "timeline.clicked", "s"),
          Phrase.of("(\\S+): email bounced \\(hard bounce\\)(.*)", "timeline.bounced", "sn"),
          Phrase.of("(\\S+): email marked as spam", "timeline.complained", "s"),
          Phrase.of(
              "(\\S+): email unsubscribed at the provider", "timeline.unsubscribedProvider", "s"),
          Phrase.of("Milestone ([A-Z_]+)", "timeline.milestone", "M"),
          Phrase.of("NPS (\\d+) \\(([A-Z_]+)\\)", "timeline.nps", "nc"),
          Phrase.of("Upgraded to (.+)", "timeline.upgraded", "n"),
          Phrase.of(
              "Unsubscribed from automated emails \\(one-click link\\): no more playbook emails",
              "timeline.unsubscribed",
              ""),
          Phrase.of("Customer replied by email(.*)", "timeline.replied", "n"),
          // A booked meeting (POST /api/events/meeting-booked, Calendly): where, and whether runs
          // stopped their emails.
          Phrase.of(
              "Meeting booked via ([a-z0-9-]+); automated emails stopped",
              "timeline.meetingBookedViaStopped",
              "n"),
          Phrase.of("Meeting booked via ([a-z0-9-]+)", "timeline.meetingBookedVia", "n"),
          Phrase.of(
              "Meeting booked; automated emails stopped", "timeline.meetingBookedStopped", ""),
          Phrase.of("Meeting booked", "timeline.meetingBooked", ""),
          Phrase.of("Health (\\d+) \\(([A-Z_]+)\\), was (\\d+)", "timeline.scoreWas", "nbn"),
          Phrase.of("Health (\\d+) \\(([A-Z_]+)\\)", "timeline.score", "nb"),
          Phrase.of("Health dropped (\\d+) points: CSM alerted", "timeline.drop", "n"),
          Phrase.of("(\\S+) closed ([A-Z_]+): (.*)", "timeline.closedBecause", "pox"),
          Phrase.of("(\\S+) closed ([A-Z_]+)", "timeline.closed", "po"),
          // A run's step: "<step>: <RESULT> <detail>".
          Phrase.of("([a-z0-9-]+): ([A-Z_]+) (.+)", "timeline.stepDetail", "sRx"),
          Phrase.of("([a-z0-9-]+): ([A-Z_]+)", "timeline.stepResult", "sR"));

  private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

  private final MessageSource messages;
  private final ConsoleReads reads;
  private final ConsoleFormat format;
  private final dev.retention.api.problems.ProblemTexts problems;

  private final dev.retention.data.definitions.PlaybookDefinitions definitions;

  ConsoleWords(
      MessageSource messages,
      ConsoleReads reads,
      ConsoleFormat format,
      dev.retention.api.problems.ProblemTexts problems,
      dev.retention.data.definitions.PlaybookDefinitions definitions) {
    this.definitions = definitions;
    this.problems = problems;
    this.messages = messages;
    this.reads = reads;
    this.format = format;
  }

  // ---------------------------------------------------------------------------------------------
  // Codes
  // ---------------------------------------------------------------------------------------------

  /**
   * A playbook's name: the console's own word for a built-in one, else the name its published
   * definition gives in the viewer's language (English when it has none in theirs).
   */
  public String playbook(String id) {
    if (id == null) {
      return "–";
    }
    String known = message("playbook." + id);
    if (known != null || definitions == null) {
      return known != null ? known : format.words(id);
    }
    return definitions
        .published(id)
        .map(
            d ->
                d.name() == null
                    ? null
                    : d.name().getOrDefault(locale().getLanguage(), d.name().get("en")))
        .orElseGet(() -> format.words(id));
  }

  public String stage(String stage) {
    return label("stage." + stage, stage);
  }

  /** A run's, a task's or an email's status. */
  public String status(String status) {
    return label("status." + status, status);
  }

  public String priority(String priority) {
    return label("priority." + priority, priority);
  }

  /** An outcome a CSM records, or the one a run closed with. */
  public String outcome(String outcome) {
    return label("outcome." + outcome, outcome);
  }

  public String result(String result) {
    return label("result." + result, result);
  }

  /** A timeline entry's kind. */
  public String kind(String kind) {
    return label("kind." + kind, kind);
  }

  public String milestone(String milestone) {
    return label("milestone." + milestone, milestone);
  }

  public String band(String band) {
    return label("band." + band, band);
  }

  /** A step's label: {@code day-7-call-task} → "Call attempt (day 7)". */
  public String step(String step) {
    if (step == null) {
      return "–";
    }
    String known = message("step." + step);
    if (known != null) {
      return known;
    }
    Matcher numbered = Pattern.compile("(.+?)-(\\d+)").matcher(step);
    if (numbered.matches() && message("step." + numbered.group(1) + ".n") != null) {
      return text("step." + numbered.group(1) + ".n", numbered.group(2));
    }
    Matcher outcomeNote = Pattern.compile("outcome-([a-z_-]+)").matcher(step);
    if (outcomeNote.matches()) {
      return text(
          "step.outcome.n",
          outcome(outcomeNote.group(1).toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    Matcher milestone = Pattern.compile("milestone-([a-z-]+)").matcher(step);
    if (milestone.matches()) {
      return text(
          "step.milestone.n",
          milestone(milestone.group(1).toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    for (String suffix : List.of("failed", "suppressed")) {
      if (step.endsWith("-" + suffix)) {
        return text(
            "step.after." + suffix, step(step.substring(0, step.length() - suffix.length() - 1)));
      }
    }
    return format.words(step);
  }

  /** A run's playbook, from its workflow id ({@code at-risk-c-42} → "At-risk"). */
  public String runOf(String workflowId) {
    if (workflowId == null) {
      return "–";
    }
    return dev.retention.workflows.contract.PlaybookIds.playbookOf(workflowId)
        .map(this::playbook)
        .orElseGet(() -> format.words(workflowId));
  }

  /** A run fact's name ({@code decisionDeadline} → "Decision deadline"). */
  public String fact(String name) {
    return label("fact." + name, name == null ? null : name.replaceAll("([a-z])([A-Z])", "$1 $2"));
  }

  /** A run fact's value: a time in the viewer's zone, a code as its label, else as stored. */
  public String factValue(String value) {
    if (value == null) {
      return "–";
    }
    if (value.equals("true") || value.equals("false")) {
      return label("fact." + value, value);
    }
    if (value.startsWith("[")) {
      return milestones(value);
    }
    if (value.matches("\\d{4}-\\d{2}-\\d{2}T.*Z")) {
      return time(value);
    }
    if (value.matches("P(T?\\d.*)")) {
      try {
        return format.duration(java.time.Duration.parse(value));
      } catch (DateTimeParseException e) {
        return value;
      }
    }
    if (CODE.matcher(value).matches()) {
      for (String prefix :
          List.of("reason.", "offer.", "nps.", "milestone.", "outcome.", "value.")) {
        String known = message(prefix + value);
        if (known != null) {
          return known;
        }
      }
      return format.words(value);
    }
    return value;
  }

  /** A chart's time axis label, in the viewer's zone. */
  public String chartTime(Instant at) {
    return format.chartTime(at);
  }

  /** A chart's day label, in the viewer's zone. */
  public String chartDay(Instant at) {
    return format.chartDay(at);
  }

  /**
   * Who wrote a note or closed a task: a CSM by name, an integration key as such, the playbook,
   * else the login name as stored.
   */
  public String author(String author) {
    if (author == null || author.isBlank()) {
      return "–";
    }
    if (author.startsWith("key:")) {
      return text("author.key", author.substring(4));
    }
    if ("playbook".equals(author)) {
      return text("author.playbook");
    }
    if (author.startsWith("csm-")) {
      return csm(author);
    }
    return author;
  }

  /** A CSM's name for their id; the id in words when no CSM has it. */
  public String csm(String csmId) {
    if (csmId == null) {
      return "–";
    }
    return reads.csms(List.of(csmId)).stream()
        .filter(c -> c.id().equals(csmId))
        .map(ConsoleReads.CsmLine::name)
        .findFirst()
        .orElse(format.words(csmId));
  }

  // ---------------------------------------------------------------------------------------------
  // Stored English texts
  // ---------------------------------------------------------------------------------------------

  /** A stored text (task title or body, detail, what a run waits for, timeline entry). */
  public String text(String stored) {
    return said(stored, phrase -> true);
  }

  /**
   * A note's text: the words a run puts before what the CSM typed ("Outreach done. …") and the
   * notes a run closes tasks with, said in the viewer's language; whatever a person typed is shown
   * exactly as typed, even a word that is also a label.
   */
  public String note(String stored) {
    return said(
        stored, phrase -> phrase.key().startsWith("body.") || phrase.key().startsWith("closed."));
  }

  private String said(String stored, java.util.function.Predicate<Phrase> which) {
    if (stored == null || stored.isBlank()) {
      return stored;
    }
    for (Phrase phrase : PHRASES) {
      if (!which.test(phrase)) {
        continue;
      }
      Matcher m = phrase.english().matcher(stored.strip());
      if (m.matches()) {
        Object[] args = new Object[m.groupCount()];
        for (int i = 0; i < args.length; i++) {
          char how = i < phrase.args().length() ? phrase.args().charAt(i) : 'n';
          args[i] = argument(how, m.group(i + 1));
        }
        String said = messages.getMessage(phrase.key(), args, null, locale());
        if (said != null) {
          return said;
        }
      }
    }
    return stored;
  }

  /** What a run waits for. */
  public String waiting(String stored) {
    return text(stored);
  }

  /** A run's step detail or outcome reason. */
  public String detail(String stored) {
    return text(stored);
  }

  /** A timeline entry's summary. */
  public String timeline(String stored) {
    return text(stored);
  }

  private String argument(char how, String value) {
    if (value == null) {
      return "";
    }
    return switch (how) {
      case 's' -> step(value);
      case 'o', 'R' -> CODE.matcher(value).matches() ? codeLabel(how, value) : value;
      case 'b' -> band(value);
      case 'M' -> milestone(value);
      case 'm' -> milestones(value);
      case 'r' -> label("reason." + value, value);
      case 'f' -> offer(value);
      case 'c' -> label("nps." + value, value);
      case 'S' -> source(value);
      case 'p' -> playbook(value);
      case 'P' -> runOf(value);
      case 'y' -> priority(value);
      case 'a' -> label("assignee." + value, value);
      case 'C' -> csm(value);
      case 'g' -> stage(value);
      case 'O' -> outcomes(value);
      case 't' -> time(value);
      case 'x' -> text(value);
      default -> value;
    };
  }

  private String codeLabel(char how, String value) {
    return how == 'R' ? result(value) : outcome(value);
  }

  /** "[FIRST_QUERY, INTEGRATION_CONNECTED]" → "First query, Integration connected". */
  private String milestones(String list) {
    List<String> names = new ArrayList<>();
    Matcher code = CODE.matcher(list);
    while (code.find()) {
      names.add(milestone(code.group()));
    }
    return names.isEmpty() ? "–" : String.join(", ", names);
  }

  /** "SAVED, CHURNED" → "Saved, Churned". */
  private String outcomes(String list) {
    List<String> names = new ArrayList<>();
    Matcher code = CODE.matcher(list);
    while (code.find()) {
      names.add(outcome(code.group()));
    }
    return String.join(", ", names);
  }

  /**
   * Why the console refused something, in the viewer's words: the console's own wording of an
   * outcome the run refused (labels, not codes), else the API's problem text in their language.
   */
  public String rejection(String detail) {
    String said = text(detail);
    return said.equals(detail) ? problems.detail(detail) : said;
  }

  /** A save offer by its code or by the English description a task stored. */
  private String offer(String value) {
    for (String code : List.of("DISCOUNT_OR_DOWNGRADE", "PAUSE_BILLING", "DEDICATED_SUPPORT")) {
      if (code.equals(value)
          || value.equals(
              dev.retention.workflows.cancellationsave.SaveOffer.valueOf(code).description())) {
        return label("offer." + code, value);
      }
    }
    return value;
  }

  private String time(String value) {
    try {
      return format.time(Instant.parse(value));
    } catch (DateTimeParseException e) {
      return value;
    }
  }

  /**
   * Why a run heard CUSTOMER_RESPONDED: a label for the known sources, and for a booked meeting
   * ({@code meeting-booked:<where>}) the words for it with where it was booked.
   */
  private String source(String value) {
    String booked = "meeting-booked:";
    if (value.startsWith(booked)) {
      String where = value.substring(booked.length());
      return "meeting".equals(where)
          ? label("source.meetingBooked", value)
          : text("source.meetingBookedVia", where);
    }
    return label("source." + value, value);
  }

  // ---------------------------------------------------------------------------------------------

  private String label(String key, String code) {
    if (code == null) {
      return "–";
    }
    String known = message(key);
    return known != null ? known : format.words(code);
  }

  private String text(String key, Object... args) {
    return messages.getMessage(key, args, locale());
  }

  /** Each key's words in the viewer's language, the key itself when there are none (for charts). */
  public Function<String, String> labels() {
    Locale locale = LocaleContextHolder.getLocale();
    return key -> messages.getMessage(key, null, key, locale);
  }

  private String message(String key) {
    try {
      return messages.getMessage(key, null, locale());
    } catch (NoSuchMessageException e) {
      return null;
    }
  }

  private static Locale locale() {
    return LocaleContextHolder.getLocale();
  }
}
