package dev.retention.api.console;

import dev.retention.api.input.Ids;
import dev.retention.api.problems.ApiProblem;
import dev.retention.api.security.Callers;
import dev.retention.api.webhooks.WebhookInput;
import dev.retention.data.webhooks.WebhookEventTypes;
import dev.retention.data.webhooks.WebhookSubscriptions;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Webhook subscriptions in the console, for admins (AccessRules): the list, a form to add one (its
 * secret shown once), deleting one, a subscription's delivery log and replaying its failed
 * deliveries. The same checks as {@code /api/admin/webhooks/subscriptions}; an htmx post gets the
 * panel back, a plain one the whole page.
 */
@Controller
@Hidden
@RequestMapping("/console/webhooks")
class ConsoleWebhooksController {

  private final WebhookSubscriptions subscriptions;
  private final MessageSource messages;

  ConsoleWebhooksController(WebhookSubscriptions subscriptions, MessageSource messages) {
    this.subscriptions = subscriptions;
    this.messages = messages;
  }

  @GetMapping
  String page(@RequestParam(required = false) String show, Model model) {
    return render(model, show, null);
  }

  @PostMapping
  String add(
      @RequestParam(required = false) String url,
      @RequestParam(required = false) String description,
      @RequestParam(required = false) List<String> eventTypes,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      Model model) {
    try {
      if (url == null || url.isBlank()) {
        throw ApiProblem.invalid("url", "url is required");
      }
      String checked = WebhookInput.url(url);
      if (description != null && description.strip().length() > 200) {
        throw ApiProblem.invalid("description", "at most 200 characters");
      }
      List<String> types =
          eventTypes == null || eventTypes.isEmpty() ? null : WebhookInput.types(eventTypes);
      var created =
          subscriptions.create(
              checked,
              description == null || description.isBlank() ? null : description.strip(),
              types,
              true,
              Callers.require().actor());
      model.addAttribute("secret", created.secret());
      model.addAttribute("secretFor", created.subscription().id());
      model.addAttribute("notice", message("webhooks.added", created.subscription().id()));
    } catch (ApiProblem problem) {
      response.setStatus(problem.status().value());
      model.addAttribute(
          "error",
          messages.getMessage(
              "webhooks.invalid." + problem.field(),
              null,
              problem.getMessage(),
              LocaleContextHolder.getLocale()));
      model.addAttribute("typedUrl", url);
      model.addAttribute("typedDescription", description);
    }
    return render(model, null, htmx);
  }

  @PostMapping("/{subscriptionId}/delete")
  String delete(
      @PathVariable String subscriptionId,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      Model model) {
    if (!Ids.valid(subscriptionId) || !subscriptions.delete(subscriptionId)) {
      response.setStatus(404);
      model.addAttribute("error", message("webhooks.notFound", subscriptionId));
    } else {
      model.addAttribute("notice", message("webhooks.deleted", subscriptionId));
    }
    return render(model, null, htmx);
  }

  @PostMapping("/{subscriptionId}/replay")
  String replayFailed(
      @PathVariable String subscriptionId,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      HttpServletResponse response,
      Model model) {
    if (!Ids.valid(subscriptionId) || subscriptions.find(subscriptionId).isEmpty()) {
      response.setStatus(404);
      model.addAttribute("error", message("webhooks.notFound", subscriptionId));
      return render(model, null, htmx);
    }
    int replayed = subscriptions.replayFailed(subscriptionId);
    model.addAttribute("notice", message("webhooks.replayed", replayed));
    return render(model, subscriptionId, htmx);
  }

  private String render(Model model, String show, String htmx) {
    model.addAttribute("subscriptions", subscriptions.list());
    model.addAttribute("eventTypes", WebhookEventTypes.ALL);
    if (show != null && Ids.valid(show)) {
      subscriptions
          .find(show)
          .ifPresent(
              s -> {
                model.addAttribute("shown", s);
                model.addAttribute("deliveries", subscriptions.deliveries(s.id(), null, 50));
              });
    }
    return htmx == null ? "console/webhooks" : "console/webhooks :: panel";
  }

  private String message(String key, Object... args) {
    return messages.getMessage(key, args, LocaleContextHolder.getLocale());
  }
}
