package dev.retention.api.problems;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's error dispatch ({@code /error}): whatever the servlet container or a filter
 * answers on its own (a malformed request line or URL, a firewall rejection, an exception outside
 * Spring MVC) is problem+json like every other error, never an HTML page or a stack trace. Replaces
 * Spring Boot's BasicErrorController.
 */
@RestController
class ProblemErrorController implements ErrorController {

  private static final Logger log = LoggerFactory.getLogger(ProblemErrorController.class);

  private final ProblemWriter writer;

  ProblemErrorController(ProblemWriter writer) {
    this.writer = writer;
  }

  @RequestMapping("${server.error.path:/error}")
  void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    Throwable exception = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
    HttpStatus status =
        code instanceof Integer i && HttpStatus.resolve(i) != null
            ? HttpStatus.resolve(i)
            : code == null ? HttpStatus.NOT_FOUND : HttpStatus.INTERNAL_SERVER_ERROR;
    String detail;
    if (code == null) {
      detail = "there is nothing at this path";
    } else if (status.is5xxServerError()) {
      log.error("error outside Spring MVC for {}", uri, exception);
      detail = "an unexpected error occurred; it has been logged";
    } else if (status == HttpStatus.NOT_FOUND) {
      detail = "there is nothing at this path";
    } else if (status == HttpStatus.BAD_REQUEST) {
      detail =
          "the request could not be read (for example a malformed percent-encoding or a character"
              + " not allowed in the path or a header); nothing was changed";
    } else {
      detail = status.getReasonPhrase() + "; nothing was changed";
    }
    writer.write(response, ProblemWriter.problem(status, status.getReasonPhrase(), detail, null));
  }
}
