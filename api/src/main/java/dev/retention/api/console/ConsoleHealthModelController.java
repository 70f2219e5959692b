package dev.retention.api.console;

import dev.retention.api.health.HealthModelApi;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.ProblemTexts;
import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.api.security.Role;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.math.BigDecimal;
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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The health model in the console: the published version, a form to change the weights, where each
 * band starts and (as JSON) every tier, the preview of what a change does to the customers' bands,
 * drafts for leads, and publishing with a note for those with the playbook-editor permission
 * (admins). The same rules and checks as {@code /api/health-model}.
 */
@Controller
@Hidden
@RequestMapping("/console/health-model")
class ConsoleHealthModelController {

  static final List<String> COMPONENTS = List.of("usage", "engagement", "support");

  private final HealthModelApi models;
  private final JsonMapper json;
  private final MessageSource messages;
  private final ProblemTexts texts;

  ConsoleHealthModelController(
      HealthModelApi models, JsonMapper json, MessageSource messages, ProblemTexts texts) {
    this.models = models;
    this.json = json;
    this.messages = messages;
    this.texts = texts;
  }

  @GetMapping
  String page(Model model) {
    HealthModelApi.HealthModelVersion published = models.published();
    return render(model, pretty(json.valueToTree(published.model())));
  }

  /**
   * Preview or save as a draft ({@code action}): the JSON with the form's weights and band starts
   * put in, those left empty taken from the JSON as it is.
   */
  @PostMapping
  String change(
      @RequestParam String action,
      @RequestParam(defaultValue = "") String model,
      @RequestParam Map<String, String> fields,
      @RequestParam(required = false) String note,
      HttpServletResponse response,
      Model page) {
    Caller me = Callers.require();
    if (!isLead(me)) {
      throw forbidden("health model drafts and previews are for managers and admins");
    }
    String edited;
    try {
      edited = withFields(model, fields);
    } catch (JacksonException | ClassCastException | IllegalArgumentException e) {
      response.setStatus(400);
      page.addAttribute("error", message("model.notJson"));
      return render(page, model);
    }
    try {
      if (action.equals("draft")) {
        HealthModelApi.HealthModelVersion draft =
            models.draft(edited, me.actor(), note == null || note.isBlank() ? null : note.strip());
        page.addAttribute("notice", message("model.drafted", draft.version()));
      } else {
        page.addAttribute("preview", models.preview(edited, null));
      }
    } catch (ApiProblem problem) {
      if (problem.status() != HttpStatus.BAD_REQUEST) {
        throw problem;
      }
      response.setStatus(400);
      page.addAttribute("error", texts.detail(problem.getMessage()));
    }
    return render(page, edited);
  }

  @PostMapping("/versions/{version}/publish")
  String publish(
      @PathVariable int version,
      @RequestParam(required = false) String note,
      HttpServletResponse response,
      Model page) {
    Caller me = Callers.require();
    if (!me.mayEditPlaybooks()) {
      throw forbidden(
          "publishing the health model needs the playbook-editor permission (admins have it)");
    }
    HealthModelApi.HealthModelVersion published;
    if (note == null || note.isBlank()) {
      response.setStatus(400);
      page.addAttribute("error", message("model.noteRequired"));
      return render(page, pretty(json.valueToTree(models.published().model())));
    }
    published = models.publish(version, me.actor(), note.strip());
    page.addAttribute("notice", message("model.published", published.version()));
    return render(page, pretty(json.valueToTree(published.model())));
  }

  private String render(Model page, String modelJson) {
    Caller me = Callers.require();
    HealthModelApi.HealthModelVersion published = models.published();
    JsonNode publishedModel = json.valueToTree(published.model());
    page.addAttribute("published", published);
    page.addAttribute("publishedModel", publishedModel);
    page.addAttribute("versions", models.versions());
    page.addAttribute("modelJson", modelJson);
    page.addAttribute("fields", fieldsOf(modelJson, publishedModel));
    page.addAttribute("canDraft", isLead(me));
    page.addAttribute("canPublish", me.mayEditPlaybooks());
    return "console/health-model";
  }

  /** The weights and band starts shown in the form: from the JSON, or the published model's. */
  private Map<String, String> fieldsOf(String modelJson, JsonNode fallback) {
    JsonNode node;
    try {
      node = json.readTree(modelJson);
    } catch (JacksonException e) {
      node = fallback;
    }
    JsonNode source = node;
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    for (String c : COMPONENTS) {
      fields.put(c + "Weight", text(source.at("/components/" + c + "/weight")));
    }
    fields.put("atRiskMin", text(source.at("/bands/1/min")));
    fields.put("neutralMin", text(source.at("/bands/2/min")));
    fields.put("healthyMin", text(source.at("/bands/3/min")));
    return fields;
  }

  private static String text(JsonNode value) {
    return value.isNumber() ? value.decimalValue().stripTrailingZeros().toPlainString() : "";
  }

  /** The JSON with the form's weights and band starts put in. */
  private String withFields(String modelJson, Map<String, String> fields) {
    JsonNode root = json.readTree(modelJson.isBlank() ? "{}" : modelJson);
    if (!(root instanceof ObjectNode object)) {
      throw new IllegalArgumentException("not an object");
    }
    for (String c : COMPONENTS) {
      String weight = fields.getOrDefault(c + "Weight", "").strip();
      if (!weight.isEmpty() && object.at("/components/" + c) instanceof ObjectNode component) {
        component.put("weight", new BigDecimal(weight));
      }
    }
    if (object.get("bands") instanceof ArrayNode bands && bands.size() == 4) {
      String[] starts = {"atRiskMin", "neutralMin", "healthyMin"};
      for (int i = 0; i < starts.length; i++) {
        String start = fields.getOrDefault(starts[i], "").strip();
        if (!start.isEmpty()
            && bands.get(i) instanceof ObjectNode below
            && bands.get(i + 1) instanceof ObjectNode band) {
          int min = Integer.parseInt(start);
          band.put("min", min);
          below.put("max", min - 1);
        }
      }
    }
    return pretty(object);
  }

  private String pretty(JsonNode node) {
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
  }

  private static boolean isLead(Caller me) {
    return me.isAdmin() || (!me.isKey() && me.role() == Role.MANAGER);
  }

  private String message(String key, Object... args) {
    return messages.getMessage(key, args, LocaleContextHolder.getLocale());
  }

  private static ApiProblem forbidden(String detail) {
    return new ApiProblem(HttpStatus.FORBIDDEN, "Forbidden", detail, null, null);
  }
}
