package dev.retention.api.problems;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat answers before any servlet runs (a malformed percent-encoding or a control
 * character in the request line, a header it cannot parse) never reach the {@code /error} dispatch:
 * its error report valve writes an HTML page instead. This replaces that valve with one that writes
 * problem+json.
 */
@Configuration(proxyBeanMethods = false)
class ContainerProblems {

  @Bean
  ProblemValveCustomizer problemJsonErrorReports() {
    return new ProblemValveCustomizer();
  }

  /** Runs after Spring Boot's customizer, which adds the HTML valve. */
  static final class ProblemValveCustomizer
      implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
      factory.addContextCustomizers(
          context -> {
            if (context.getParent() instanceof StandardHost host) {
              // Spring Boot adds its own ErrorReportValve; Tomcat adds one of this class, if any.
              for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemValve)) {
                  host.getPipeline().removeValve(valve);
                }
              }
              host.setErrorReportValveClass(ProblemValve.class.getName());
            }
          });
    }
  }

  /** Tomcat's error report as an RFC 9457 problem, without server details or stack traces. */
  public static class ProblemValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
      int code = response.getStatus();
      if (code < 400 || response.getContentWritten() > 0) {
        return;
      }
      AtomicBoolean ioAllowed = new AtomicBoolean(true);
      response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
      if (!ioAllowed.get()) {
        return;
      }
      HttpStatus status = HttpStatus.resolve(code);
      String title = status == null ? "Error " + code : status.getReasonPhrase();
      String detail =
          code == 400
              ? "the request could not be read (for example a malformed percent-encoding or a"
                  + " control character in the path, or a malformed header); nothing was changed"
              : code >= 500
                  ? "an unexpected error occurred; it has been logged"
                  : title + "; nothing was changed";
      try {
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8);
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(
              "{\"type\":\"about:blank\",\"title\":\""
                  + title
                  + "\",\"status\":"
                  + code
                  + ",\"detail\":\""
                  + detail
                  + "\"}");
          response.finishResponse();
        }
      } catch (IOException | IllegalStateException e) {
        // The client went away or the response is already committed: nothing more to say.
      }
    }
  }
}
