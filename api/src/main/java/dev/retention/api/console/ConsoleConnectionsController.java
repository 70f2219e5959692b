package dev.retention.api.console;

import dev.retention.api.connections.ConnectionChecks;
import dev.retention.api.security.Callers;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The connections page: each connector's state, last sync and last error, and (for admins) a "test
 * connection" button per connector; the same checks as {@code /api/connections}.
 */
@Controller
@Hidden
@RequestMapping("/console/connections")
class ConsoleConnectionsController {

  private final ConnectionChecks checks;

  ConsoleConnectionsController(ConnectionChecks checks) {
    this.checks = checks;
  }

  @GetMapping
  String page(Model model) {
    model.addAttribute("connections", checks.all());
    model.addAttribute("canTest", Callers.require().isAdmin());
    return "console/connections";
  }

  /** Tests one connection: the row again for htmx, the whole page otherwise. */
  @PostMapping("/{id}/test")
  String test(
      @PathVariable String id,
      @RequestHeader(name = "HX-Request", required = false) String htmx,
      Model model) {
    ConnectionChecks.Shown tested = checks.test(id);
    model.addAttribute("canTest", true);
    model.addAttribute("tested", true);
    if (htmx != null) {
      model.addAttribute("connections", java.util.List.of(tested));
      return "console/connections :: row";
    }
    model.addAttribute(
        "connections", checks.all().stream().map(c -> c.id().equals(id) ? tested : c).toList());
    return "console/connections";
  }
}
