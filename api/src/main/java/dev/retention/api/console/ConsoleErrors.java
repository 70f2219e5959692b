package dev.retention.api.console;

import dev.retention.api.problems.ApiProblem;
import dev.retention.api.problems.ProblemTexts;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * A refused or missing customer or run on a console page is an HTML page with the same status and
 * words as the API's problem; the API's own handler keeps answering problem+json.
 */
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
      ConsolePlaybooksController.class
    })
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {

  private final ProblemTexts texts;

  ConsoleErrors(ProblemTexts texts) {
    this.texts = texts;
  }

  @ExceptionHandler(ApiProblem.class)
  String problem(ApiProblem problem, HttpServletResponse response, Model model) {
    response.setStatus(problem.status().value());
    model.addAttribute("status", problem.status().value());
    model.addAttribute("title", texts.title(problem.title()));
    model.addAttribute("detail", texts.detail(problem.getMessage()));
    return "console/error";
  }
}
