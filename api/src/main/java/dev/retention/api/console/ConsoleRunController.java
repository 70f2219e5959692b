package dev.retention.api.console;

import dev.retention.api.input.Ids;
import dev.retention.api.playbooks.PlaybookRuns;
import dev.retention.api.playbooks.RunOutcomes;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.data.console.ConsoleReads;
import dev.retention.workflows.contract.RunView;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.util.List;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A run's page and the outcomes recorded on it. The run is the caller's ({@link Access#run}) before
 * anything is read. Outcomes are the run's validated Update through {@link RunOutcomes}, the API's
 * way (same checks, same round-trip metric); a rejection comes back into the same place as the
 * buttons.
 */
@Controller
@Hidden
class ConsoleRunController {

  private final PlaybookRuns runs;
  private final RunOutcomes outcomes;
  private final Access access;
  private final ConsoleReads reads;
  private final MessageSource messages;
  private final ConsoleWords words;
  private final Clock clock;

  ConsoleRunController(
      PlaybookRuns runs,
      RunOutcomes outcomes,
      Access access,
      ConsoleReads reads,
      MessageSource messages,
      ConsoleWords words,
      Clock clock) {
    this.runs = runs;
    this.outcomes = outcomes;
    this.access = access;
    this.reads = reads;
    this.messages = messages;
    this.words = words;
    this.clock = clock;
  }

  @GetMapping("/console/runs/{workflowId}")
  String run(@PathVariable String workflowId, Model model) {
    panelModel(runs.view(ownedRun(workflowId)), model, null, null);
    return "console/run";
  }

  /** The live part of the run page, polled every few seconds while the run runs. */
  @GetMapping("/console/runs/{workflowId}/panel")
  String panel(@PathVariable String workflowId, Model model) {
    panelModel(runs.view(ownedRun(workflowId)), model, null, null);
    return "console/run :: panel";
  }

  /**
   * Records an outcome through the run's validated Update. Answers the fragment that holds the
   * buttons (the run page's panel, or My work's card), with the rejection in place and the
   * problem's status, so htmx swaps it and the audit log says REFUSED.
   */
  @PostMapping("/console/runs/{workflowId}/outcome")
  String outcome(
      @PathVariable String workflowId,
      @RequestParam String type,
      @RequestParam(required = false) String note,
      @RequestParam(defaultValue = "panel") String view,
      HttpServletResponse response,
      Model model) {
    String id = ownedRun(workflowId);
    String error = null;
    String notice = null;
    RunView current;
    try {
      // The API's rules and metric, and the run as the Update answered it: no read more.
      String typed = blankToNull(note);
      String author = access.outcomeAuthor(null);
      RunView answered = outcomes.record(id, type, typed, author);
      current = runs.withNotes(answered);
      // The run keeps the note in its own words once its handler has run (after the answer),
      // so the confirmation shows it back as typed, and the panel is drawn once more (even for a
      // run the outcome closed, which polls no more) to show the note as the run kept it.
      model.addAttribute("notePending", typed != null && !holdsNote(current, typed));
      String outcomeLabel = words.labels().apply("outcome." + type);
      notice =
          typed == null
              ? messages.getMessage(
                  "outcome.recorded", new Object[] {outcomeLabel}, LocaleContextHolder.getLocale())
              : messages.getMessage(
                  "outcome.recordedWithNote",
                  new Object[] {outcomeLabel, typed},
                  LocaleContextHolder.getLocale());
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      error = words.rejection(problem.getMessage());
      // What was typed stays in the form, to send again.
      model.addAttribute("typedNote", note);
      current = runs.view(id);
    }
    if ("card".equals(view)) {
      model.addAttribute(
          "card",
          RunCard.of(current, reads.customerName(current.customerId()).orElse(""), error, notice));
      return "console/fragments :: card";
    }
    panelModel(current, model, error, notice);
    return "console/run :: panel";
  }

  /** Whether one of the run's notes holds {@code typed}. */
  private static boolean holdsNote(RunView run, String typed) {
    return run.notes() != null
        && run.notes().stream().anyMatch(n -> n.text() != null && n.text().contains(typed));
  }

  private void panelModel(RunView view, Model model, String error, String notice) {
    String customerName = reads.customerName(view.customerId()).orElse(view.customerId());
    model.addAttribute("run", view);
    model.addAttribute("pageTitle", words.playbook(view.playbook()) + " · " + customerName);
    model.addAttribute("card", RunCard.of(view, customerName, error, notice));
    model.addAttribute(
        "runChart",
        Charts.runTimeline(
            view.startedAt(),
            view.steps() == null ? List.of() : view.steps(),
            view.nextStep() == null ? null : view.nextStep().step(),
            view.nextStep() == null ? null : view.nextStep().at(),
            clock.instant(),
            words.labels(),
            words));
    model.addAttribute("customerZone", reads.customerZone(view.customerId()).orElse(null));
    model.addAttribute("now", clock.instant());
  }

  private String ownedRun(String workflowId) {
    Ids.check("workflowId", workflowId);
    access.run(workflowId);
    return workflowId;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
