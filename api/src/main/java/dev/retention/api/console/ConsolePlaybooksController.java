package dev.retention.api.console;

import dev.retention.api.definitions.PlaybookDefinitionEditing;
import dev.retention.api.input.Ids;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Access;
import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.data.definitions.LineDiff;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.definitions.PlaybookDefinitions.RunsOfVersion;
import dev.retention.data.definitions.PlaybookDefinitions.Version;
import dev.retention.data.reports.Reports;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The playbooks in the console: every playbook with its published version, drafts and runs per
 * version; a playbook's versions, publications, YAML and diffs; and, for playbook editors, the YAML
 * editor (check, save a draft, publish with a note) with the dry-run panel beside it. Checking and
 * storing go through the same {@link PlaybookDefinitionEditing} as the API.
 */
@Controller
@Hidden
@RequestMapping("/console/playbooks")
class ConsolePlaybooksController {

  private static final Logger log = LoggerFactory.getLogger(ConsolePlaybooksController.class);

  /** The demo data's customer a dry-run starts with. */
  static final String DEFAULT_CUSTOMER = "c-42";

  static final int YAML_MAX = 200_000;

  /** A playbook in the list. */
  record Summary(
      String id,
      String name,
      Integer publishedVersion,
      List<Integer> drafts,
      List<RunsOfVersion> runsPerVersion) {}

  /** One line of a diff, with its CSS class. */
  record DiffLine(String kind, String sign, String text) {}

  private final PlaybookDefinitions store;
  private final PlaybookDefinitionEditing editing;
  private final ConsoleDryRun dryRun;
  private final MessageSource messages;
  private final Reports reports;
  private final Access access;
  private final Clock clock;

  ConsolePlaybooksController(
      PlaybookDefinitions store,
      PlaybookDefinitionEditing editing,
      ConsoleDryRun dryRun,
      MessageSource messages,
      Reports reports,
      Access access,
      Clock clock) {
    this.store = store;
    this.editing = editing;
    this.dryRun = dryRun;
    this.messages = messages;
    this.reports = reports;
    this.access = access;
    this.clock = clock;
  }

  /** A/B results cover every run started since this instant (reports' earliest). */
  static final Instant AB_SINCE = Instant.parse("2000-01-01T00:00:00Z");

  @GetMapping
  String list(Model model) {
    Locale locale = LocaleContextHolder.getLocale();
    List<Summary> playbooks =
        store.ids().stream()
            .map(
                id -> {
                  List<Version> versions = store.versions(id);
                  Optional<PlaybookDefinition> published = store.published(id);
                  PlaybookDefinition named =
                      published.orElse(
                          versions.isEmpty() ? null : versions.getFirst().definition());
                  return new Summary(
                      id,
                      name(named, id, locale),
                      published.map(PlaybookDefinition::version).orElse(null),
                      versions.stream()
                          .filter(v -> !v.published())
                          .map(Version::version)
                          .sorted()
                          .toList(),
                      store.runsPerVersion(id));
                })
            .toList();
    model.addAttribute("playbooks", playbooks);
    model.addAttribute("editor", mayEdit());
    return "console/playbooks";
  }

  @GetMapping("/{id}")
  String playbook(
      @PathVariable String id,
      @RequestParam(required = false) Integer view,
      @RequestParam(required = false) Integer from,
      @RequestParam(required = false) Integer to,
      Model model) {
    detail(id, model);
    if (view != null) {
      Version shown = editing.require(id, view);
      model.addAttribute("shown", shown);
      model.addAttribute("shownYaml", DefinitionFiles.yaml(shown.definition()));
    }
    if (from != null && to != null) {
      model.addAttribute("from", from);
      model.addAttribute("to", to);
      model.addAttribute(
          "diff",
          editing.diff(id, from, to).stream().map(ConsolePlaybooksController::diffLine).toList());
    }
    return "console/playbook";
  }

  @GetMapping("/{id}/edit")
  String edit(@PathVariable String id, @RequestParam(required = false) Integer from, Model model) {
    requireEditor();
    detail(id, model);
    Integer start = from != null ? from : store.publishedVersion(id).orElse(null);
    Version base =
        start != null
            ? editing.require(id, start)
            : store.versions(id).stream()
                .findFirst()
                .orElseThrow(() -> ApiProblem.notFound("Playbook definition", "no playbook " + id));
    model.addAttribute("base", base.version());
    model.addAttribute("yaml", DefinitionFiles.yaml(base.definition()));
    model.addAttribute("note", "");
    editorDefaults(model);
    return "console/playbook-edit";
  }

  /** The problems of the editor's text, each with its JSON pointer: a fragment for htmx. */
  @PostMapping("/{id}/check")
  String check(@PathVariable String id, @RequestParam(required = false) String yaml, Model model) {
    Ids.check("id", id);
    model.addAttribute("problems", problems(id, yaml));
    model.addAttribute("checked", true);
    return "console/playbook-edit :: check";
  }

  @PostMapping("/{id}/drafts")
  String saveDraft(
      @PathVariable String id,
      @RequestParam(required = false) String yaml,
      @RequestParam(required = false) String note,
      @RequestParam(required = false) Integer base,
      HttpServletResponse response,
      Model model) {
    Caller me = requireEditor();
    detail(id, model);
    String text = yaml == null ? "" : yaml;
    String why = note == null ? "" : note.strip();
    List<DefinitionProblem> problems = problems(id, text);
    if (problems.isEmpty() && !why.isEmpty() && TextRules.forbiddenInFreeText(why) >= 0) {
      problems = List.of(new DefinitionProblem("", message("playbooks.note.invalid")));
    }
    if (problems.isEmpty()) {
      try {
        Version draft =
            editing.addDraft(id, text, "console (YAML)", why.isEmpty() ? null : why, me.actor());
        return "redirect:/console/playbooks/" + id + "?view=" + draft.version() + "&saved=true";
      } catch (ApiProblem refused) {
        problems = PlaybookDefinitionEditing.problemsOf(refused);
      }
    }
    // Refused: the editor again, with what was typed and each problem.
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    model.addAttribute("base", base);
    model.addAttribute("yaml", text);
    model.addAttribute("note", note == null ? "" : note);
    model.addAttribute("problems", problems);
    model.addAttribute("checked", true);
    model.addAttribute("error", message("playbooks.draft.refused"));
    editorDefaults(model);
    return "console/playbook-edit";
  }

  @PostMapping("/{id}/versions/{version}/publish")
  String publish(
      @PathVariable String id,
      @PathVariable int version,
      @RequestParam(required = false) String note,
      @RequestParam(required = false) String confirm,
      HttpServletResponse response,
      Model model) {
    Caller me = requireEditor();
    Ids.check("id", id);
    editing.require(id, version);
    String why = note == null ? "" : note.strip();
    String error = null;
    if (why.isEmpty()) {
      error = message("playbooks.publish.noteRequired");
    } else if (TextRules.length(why) > TextRules.FREE_TEXT_MAX
        || TextRules.forbiddenInFreeText(why) >= 0) {
      error = message("playbooks.note.invalid");
    } else if (!"yes".equals(confirm)) {
      error = message("playbooks.publish.confirmRequired");
    }
    if (error == null) {
      try {
        editing.publish(id, version, why, me.actor());
        return "redirect:/console/playbooks/" + id + "?published=" + version;
      } catch (ApiProblem refused) {
        error =
            refused.status() == HttpStatus.CONFLICT
                ? message("playbooks.publish.already")
                : message("playbooks.publish.refused")
                    + " "
                    + PlaybookDefinitionEditing.problemsOf(refused).stream()
                        .map(p -> (p.pointer().isEmpty() ? "/" : p.pointer()) + ": " + p.message())
                        .reduce((a, b) -> a + "; " + b)
                        .orElse("");
      }
    }
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    detail(id, model);
    model.addAttribute("publishError", error);
    model.addAttribute("publishVersion", version);
    model.addAttribute("publishNote", note == null ? "" : note);
    return "console/playbook";
  }

  /** The dry-run panel's answer: the timeline, or why there is none. A fragment for htmx. */
  @PostMapping("/{id}/dry-run")
  String dryRun(
      @PathVariable String id,
      @RequestParam(required = false) String yaml,
      @RequestParam(required = false) String customerId,
      @RequestParam(required = false) String events,
      HttpServletResponse response,
      Model model) {
    Ids.check("id", id);
    if (!dryRun.available()) {
      model.addAttribute("dryRunError", message("playbooks.dryRun.unavailable"));
      return "console/playbook-edit :: dryrun";
    }
    String customer = customerId == null || customerId.isBlank() ? "" : customerId.strip();
    try {
      Ids.check("customerId", customer);
      model.addAttribute("result", dryRun.run(id, customer, events, yaml));
    } catch (ApiProblem refused) {
      response.setStatus(refused.status().value());
      model.addAttribute("dryRunError", refused.getMessage());
      model.addAttribute("problems", PlaybookDefinitionEditing.problemsOf(refused));
    } catch (IllegalArgumentException refused) {
      response.setStatus(HttpStatus.BAD_REQUEST.value());
      model.addAttribute("dryRunError", refused.getMessage());
    } catch (RuntimeException failed) {
      log.warn("a console dry-run of {} failed", id, failed);
      response.setStatus(HttpStatus.BAD_GATEWAY.value());
      model.addAttribute("dryRunError", message("playbooks.dryRun.failed"));
    }
    return "console/playbook-edit :: dryrun";
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void detail(String id, Model model) {
    Ids.check("id", id);
    List<Version> versions = store.versions(id);
    if (versions.isEmpty()) {
      throw ApiProblem.notFound("Playbook definition", "no playbook " + id);
    }
    Optional<Integer> published = store.publishedVersion(id);
    PlaybookDefinition named =
        published.flatMap(v -> store.version(id, v)).map(Version::definition).orElse(null);
    model.addAttribute("id", id);
    model.addAttribute(
        "name",
        name(
            named != null ? named : versions.getFirst().definition(),
            id,
            LocaleContextHolder.getLocale()));
    model.addAttribute("publishedVersion", published.orElse(null));
    model.addAttribute("versions", versions);
    model.addAttribute("publications", store.publications(id));
    model.addAttribute("runsPerVersion", store.runsPerVersion(id));
    model.addAttribute("editor", mayEdit());
    abResults(id, model);
  }

  /**
   * The playbook's A/B results, as the experiments report gives them, over all its runs so far: for
   * leads (a manager: their team's runs; an admin: everyone's), as the reports are. A CSM's page
   * leaves the section out.
   */
  private void abResults(String id, Model model) {
    Access.CsmScope scope = access.csmScope("csmId", null);
    boolean lead = scope.covers() != Access.CsmScope.Covers.OWN;
    model.addAttribute("abShown", lead);
    model.addAttribute("abScope", scope);
    model.addAttribute(
        "experiments",
        lead
            ? reports.experiments(
                AB_SINCE, clock.instant().plus(Duration.ofDays(1)), id, scope.csmIds())
            : List.of());
  }

  private void editorDefaults(Model model) {
    model.addAttribute("customerId", DEFAULT_CUSTOMER);
    model.addAttribute("events", "");
    model.addAttribute("dryRunAvailable", dryRun.available());
  }

  private List<DefinitionProblem> problems(String id, String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return List.of(new DefinitionProblem("", message("playbooks.yaml.empty")));
    }
    if (yaml.length() > YAML_MAX) {
      return List.of(new DefinitionProblem("", message("playbooks.yaml.tooLong", YAML_MAX)));
    }
    return editing.problemsOfYaml(id, yaml);
  }

  private static String name(PlaybookDefinition definition, String id, Locale locale) {
    if (definition == null || definition.name() == null || definition.name().isEmpty()) {
      return id;
    }
    Map<String, String> names = definition.name();
    String name = names.get(locale.getLanguage());
    if (name == null) {
      name = names.get("en");
    }
    return name != null ? name : names.values().iterator().next();
  }

  private static DiffLine diffLine(LineDiff.Line line) {
    return switch (line.op()) {
      case '+' -> new DiffLine("added", "+", line.text());
      case '-' -> new DiffLine("removed", "-", line.text());
      default -> new DiffLine("kept", " ", line.text());
    };
  }

  private static boolean mayEdit() {
    return Callers.current().map(Caller::mayEditPlaybooks).orElse(false);
  }

  private Caller requireEditor() {
    Caller me = Callers.require();
    if (!me.mayEditPlaybooks()) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN, "Forbidden", message("playbooks.editorsOnly"), null, null);
    }
    return me;
  }

  private String message(String key, Object... args) {
    return messages.getMessage(key, args, LocaleContextHolder.getLocale());
  }
}
