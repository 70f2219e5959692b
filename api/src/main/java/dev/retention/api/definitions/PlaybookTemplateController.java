package dev.retention.api.definitions;

import dev.retention.api.input.FreeText;
import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.data.definitions.PlaybookDefinitions;
import dev.retention.workflows.engine.PlaybookDefinition;
import dev.retention.workflows.ports.TemplateText;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The email templates of a playbook's versions: what each version's emails say per locale (its own
 * text or the shipped file) with the variables they are given, and a preview for a real customer.
 */
@RestController
@Tag(name = "playbook definitions")
class PlaybookTemplateController {

  private final PlaybookDefinitions store;
  private final PlaybookDefinitionEditing editing;
  private final PlaybookTemplates templates;

  PlaybookTemplateController(
      PlaybookDefinitions store, PlaybookDefinitionEditing editing, PlaybookTemplates templates) {
    this.store = store;
    this.editing = editing;
    this.templates = templates;
  }

  /** A version's templates. */
  record TemplatesView(
      String playbookId,
      int version,
      List<String> locales,
      List<PlaybookTemplates.Effective> templates) {}

  /**
   * What to preview: a draft ({@code definition} or {@code yaml}) or a stored {@code version} (the
   * published one when neither is given); the template; the customer; optionally the locale and an
   * edited subject, text and HTML for that locale.
   */
  record PreviewBody(
      Integer version,
      Map<String, Object> definition,
      @FreeText(max = 200_000) String yaml,
      @FreeText(max = 200) String template,
      @FreeText(max = 200) String customerId,
      @FreeText(max = 20) String locale,
      @FreeText(max = 1_000) String subject,
      @FreeText(max = 20_000) String text,
      @FreeText(max = 20_000) String html) {}

  @Operation(
      operationId = "playbookDefinitionTemplates",
      summary = "A version's email templates",
      description =
          "Each template the version's emails and alerts use: the variables its emails are given"
              + " and its subject, text and HTML per locale, with where they come from (definition:"
              + " the version writes it; file: the shipped template).")
  @GetMapping("/api/playbook-definitions/{id}/versions/{version}/templates")
  TemplatesView templates(@PathVariable String id, @PathVariable int version) {
    Ids.check("id", id);
    PlaybookDefinition definition = editing.require(id, version).definition();
    return new TemplatesView(id, version, definition.locales(), templates.effective(definition));
  }

  @Operation(
      operationId = "previewPlaybookTemplate",
      summary = "Preview a version's email for a real customer",
      description =
          "Renders one template of a draft (definition or yaml) or a stored version (version; the"
              + " published one by default), optionally with an edited subject, text and html for"
              + " one locale, for a real customer in their locale (or locale): the subject, text"
              + " and HTML they would get, the unsubscribe link and footer included. Stores and"
              + " sends nothing. An unknown customer is a 404, an unknown template a 400 with"
              + " pointer /template, a variable the email is not given a 400 naming the field.")
  @PostMapping("/api/playbook-definitions/{id}/templates/preview")
  PlaybookTemplates.Preview preview(@PathVariable String id, @Valid @RequestBody PreviewBody body) {
    Ids.check("id", id);
    PlaybookDefinition definition;
    if (body.definition() != null || body.yaml() != null) {
      definition = editing.parse(body.definition(), body.yaml());
    } else if (body.version() != null) {
      definition = editing.require(id, body.version()).definition();
    } else {
      definition =
          store
              .published(id)
              .orElseThrow(
                  () ->
                      ApiProblem.notFound("Playbook definition", "no published version of " + id));
    }
    TemplateText edited =
        body.subject() == null && body.text() == null && body.html() == null
            ? null
            : new TemplateText(body.subject(), body.text(), body.html());
    return templates.preview(definition, body.template(), body.customerId(), body.locale(), edited);
  }
}
