package dev.retention.api.console;

import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import dev.retention.api.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every console page shows in its header: who is logged in, and whether they lead. */
@ControllerAdvice(
    assignableTypes = {
      ConsoleWorkController.class,
      ConsoleCustomerListController.class,
      ConsoleCustomerController.class,
      ConsoleCustomerActions.class,
      ConsoleRunController.class,
      ConsoleTasksController.class,
      ConsoleCustomerWork.class,
      ConsoleBulkController.class,
      LeadDashboardController.class,
      ConsoleProfileController.class,
      ConsoleHealthModelController.class,
      ConsolePlaybooksController.class,
      ConsoleTemplatesController.class,
      ConsoleConnectionsController.class,
      ConsoleWebhooksController.class
    })
class ConsoleModel {

  @ModelAttribute
  void header(Model model, HttpServletRequest request) {
    Caller me = Callers.current().orElse(null);
    model.addAttribute("me", me);
    model.addAttribute(
        "lead", me != null && (me.isAdmin() || (!me.isKey() && me.role() == Role.MANAGER)));
    model.addAttribute("path", request.getRequestURI());
  }
}
