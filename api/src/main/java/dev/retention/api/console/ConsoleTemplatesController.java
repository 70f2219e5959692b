package dev.retention.api.console;

import dev.retention.api.definitions.PlaybookDefinitionEditing;
import dev.retention.api.definitions.PlaybookTemplates;
import dev.retention.api.input.Ids;
import dev.retention.api.input.TextRules;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.data.definitions.DefinitionFiles;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.data.definitions.PlaybookDefinitions.Version;
import dev.retention.workflows.engine.DefinitionProblem;
import dev.retention.workflows.engine.PlaybookDefinition;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The template editor of the console, for playbook editors: the templates a version's emails use;
 * per locale a subject, a text and an HTML part with the variables its emails are given beside; a
 * preview for a real customer rendered as they would get it (footer and link included); saving
 * stores a new draft version with the text in its {@code templates}, with the lead's note.
 */
@Controller
@Hidden
@RequestMapping("/console/playbooks/{id}/templates")
class ConsoleTemplatesController {

  /** What the form holds for one locale. */
  record LocaleForm(String locale, String subject, String text, String html, String source) {}

  private final PlaybookDefinitions store;
  private final PlaybookDefinitionEditing editing;
  private final PlaybookTemplates templates;
  private final MessageSource messages;

  ConsoleTemplatesController(
      PlaybookDefinitions store,
      PlaybookDefinitionEditing editing,
      PlaybookTemplates templates,
      MessageSource messages) {
    this.store = store;
    this.editing = editing;
    this.templates = templates;
    this.messages = messages;
  }

  @GetMapping
  String page(
      @PathVariable String id,
      @RequestParam(required = false) Integer from,
      @RequestParam(required = false) String template,
      Model model) {
    requireEditor();
    Version base = base(id, from);
    List<PlaybookTemplates.Effective> effective = templates.effective(base.definition());
    model.addAttribute("id", id);
    model.addAttribute("base", base.version());
    model.addAttribute("templates", effective);
    model.addAttribute("customerId", ConsolePlaybooksController.DEFAULT_CUSTOMER);
    model.addAttribute("note", "");
    String chosen =
        template != null ? template : effective.isEmpty() ? null : effective.getFirst().name();
    PlaybookTemplates.Effective shown =
        effective.stream().filter(t -> t.name().equals(chosen)).findFirst().orElse(null);
    if (chosen != null && shown == null) {
      throw ApiProblem.invalid("template", "version " + base.version() + " has no " + chosen);
    }
    if (shown != null) {
      model.addAttribute("template", shown.name());
      model.addAttribute("variables", shown.variables());
      model.addAttribute(
          "locales",
          base.definition().locales().stream()
              .map(
                  l -> {
                    PlaybookTemplates.LocaleText t = shown.locales().get(l);
                    return t == null
                        ? new LocaleForm(l, "", "", "", null)
                        : new LocaleForm(
                            l, t.subject(), t.text(), t.html() == null ? "" : t.html(), t.source());
                  })
              .toList());
    }
    return "console/playbook-templates";
  }

  @PostMapping
  String submit(
      @PathVariable String id,
      @RequestParam int from,
      @RequestParam String template,
      @RequestParam Map<String, String> form,
      HttpServletResponse response,
      Model model) {
    Caller me = requireEditor();
    Version base = base(id, from);
    List<PlaybookTemplates.Effective> effective = templates.effective(base.definition());
    PlaybookTemplates.Effective shown =
        effective.stream()
            .filter(t -> t.name().equals(template))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiProblem.invalid(
                        "template", "version " + base.version() + " has no " + template));
    List<LocaleForm> locales = localeForms(base, shown, form);
    String note = form.getOrDefault("note", "");
    String customerId = form.getOrDefault("customerId", "").strip();
    model.addAttribute("id", id);
    model.addAttribute("base", base.version());
    model.addAttribute("templates", effective);
    model.addAttribute("template", template);
    model.addAttribute("variables", shown.variables());
    model.addAttribute("locales", locales);
    model.addAttribute("note", note);
    model.addAttribute("customerId", customerId);
    PlaybookDefinition edited = withTemplate(base.definition(), template, locales);
    if ("save".equals(form.get("action"))) {
      return save(id, template, edited, note.strip(), me, response, model);
    }
    // A preview, for a real customer in their own language, from what the form holds.
    try {
      Ids.check("customerId", customerId);
      model.addAttribute(
          "preview", templates.preview(edited, template, customerId, form.get("locale"), null));
    } catch (ApiProblem refused) {
      response.setStatus(refused.status().value());
      model.addAttribute("previewError", refused.getMessage());
    }
    return "console/playbook-templates";
  }

  /** Each locale's subject, text and HTML as the form holds them, beside the base's source. */
  private static List<LocaleForm> localeForms(
      Version base, PlaybookTemplates.Effective shown, Map<String, String> form) {
    return base.definition().locales().stream()
        .map(
            l -> {
              PlaybookTemplates.LocaleText was = shown.locales().get(l);
              return new LocaleForm(
                  l,
                  form.getOrDefault("subject." + l, ""),
                  form.getOrDefault("text." + l, "").replace("\r\n", "\n"),
                  form.getOrDefault("html." + l, "").replace("\r\n", "\n"),
                  was == null ? null : was.source());
            })
        .toList();
  }

  /** Saves the edited definition as a draft and shows it, or shows the form with its problems. */
  private String save(
      String id,
      String template,
      PlaybookDefinition edited,
      String why,
      Caller me,
      HttpServletResponse response,
      Model model) {
    List<DefinitionProblem> problems;
    if (!why.isEmpty()
        && (TextRules.forbiddenInFreeText(why) >= 0
            || TextRules.length(why) > TextRules.FREE_TEXT_MAX)) {
      problems = List.of(new DefinitionProblem("", message("playbooks.note.invalid")));
    } else {
      String yaml = DefinitionFiles.yaml(edited);
      problems = editing.problemsOfYaml(id, yaml);
      if (problems.isEmpty()) {
        try {
          Version draft =
              editing.addDraft(
                  id, yaml, "console (templates)", why.isEmpty() ? null : why, me.actor());
          return "redirect:/console/playbooks/"
              + id
              + "/templates?from="
              + draft.version()
              + "&template="
              + template
              + "&saved="
              + draft.version();
        } catch (ApiProblem refused) {
          problems = PlaybookDefinitionEditing.problemsOf(refused);
        }
      }
    }
    response.setStatus(HttpStatus.BAD_REQUEST.value());
    model.addAttribute("problems", problems);
    model.addAttribute("error", message("playbooks.templates.refused"));
    return "console/playbook-templates";
  }

  /** The definition with this template's text per locale as the form holds it. */
  private static PlaybookDefinition withTemplate(
      PlaybookDefinition definition, String template, List<LocaleForm> locales) {
    Map<String, Object> tree = DefinitionFiles.toMap(definition);
    Map<String, Object> written = new LinkedHashMap<>();
    if (tree.get("templates") instanceof Map<?, ?> existing) {
      existing.forEach((k, v) -> written.put(String.valueOf(k), v));
    }
    Map<String, Object> perLocale = new LinkedHashMap<>();
    for (LocaleForm l : locales) {
      Map<String, Object> text = new LinkedHashMap<>();
      text.put("subject", l.subject());
      text.put("text", l.text());
      if (!l.html().isBlank()) {
        text.put("html", l.html());
      }
      perLocale.put(l.locale(), text);
    }
    written.put(template, perLocale);
    tree.put("templates", written);
    try {
      return DefinitionFiles.fromMap(tree);
    } catch (IOException e) {
      throw ApiProblem.invalid("template", e.getMessage());
    }
  }

  private Version base(String id, Integer from) {
    Ids.check("id", id);
    Integer start = from != null ? from : store.publishedVersion(id).orElse(null);
    if (start == null) {
      return store.versions(id).stream()
          .findFirst()
          .orElseThrow(() -> ApiProblem.notFound("Playbook definition", "no playbook " + id));
    }
    return editing.require(id, start);
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
