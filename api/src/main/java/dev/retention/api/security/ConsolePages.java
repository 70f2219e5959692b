package dev.retention.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.HtmlUtils;

/**
 * How the security chain answers a person's browser asking for a console page: not logged in, to
 * the login page (htmx requests get {@code HX-Redirect}, so a poll after the session ended moves
 * the whole page there); refused, a short HTML page. The API keeps its problem+json answers.
 */
public final class ConsolePages {

  public static final String LOGIN = "/login";
  public static final String HOME = "/console";

  /** Matched as Spring MVC matches them: an encoded path that maps to a console page matches. */
  private static final RequestMatcher FOR_PEOPLE =
      new OrRequestMatcher(
          Stream.of("/", HOME + "/**", LOGIN + "/**", "/oauth2/**")
              .map(p -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(p))
              .toList());

  private ConsolePages() {}

  /**
   * The console and the ways into it (the login page, single sign-on): for people only, so an
   * integration key is refused there ({@link ApiKeyFilter}).
   */
  public static boolean isForPeople(HttpServletRequest request) {
    return FOR_PEOPLE.matches(request);
  }

  /** A page request: not the API (nor codec, actuator, OpenAPI), from a browser or htmx. */
  static boolean isPage(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (!(path.equals("/") || path.startsWith("/console") || path.startsWith(LOGIN))) {
      return false;
    }
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    return request.getHeader("HX-Request") != null
        || (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE));
  }

  static AuthenticationEntryPoint entryPoint(AuthenticationEntryPoint api) {
    LoginUrlAuthenticationEntryPoint login = new LoginUrlAuthenticationEntryPoint(LOGIN);
    return (request, response, e) -> {
      if (!isPage(request)) {
        api.commence(request, response, e);
      } else if (request.getHeader("HX-Request") != null) {
        response.setHeader("HX-Redirect", request.getContextPath() + LOGIN);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
      } else {
        login.commence(request, response, e);
      }
    };
  }

  static AccessDeniedHandler accessDenied(AccessDeniedHandler api) {
    return (request, response, e) -> {
      if (!isPage(request)) {
        api.handle(request, response, e);
        return;
      }
      String why =
          e instanceof org.springframework.security.web.csrf.CsrfException
              ? "The form had expired. Go back, reload the page and try again."
              : "This page is not for your role.";
      page(response, HttpStatus.FORBIDDEN, why, request.getContextPath() + HOME);
    };
  }

  private static void page(HttpServletResponse response, HttpStatus status, String why, String home)
      throws java.io.IOException {
    response.setStatus(status.value());
    response.setContentType(MediaType.TEXT_HTML_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response
        .getWriter()
        .write(
            """
            <!doctype html><html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>%d %s</title><link rel="stylesheet" href="/assets/console.css"></head>
            <body><main id="main" class="narrow"><h1>%d %s</h1><p>%s</p>
            <p><a href="%s">My work</a></p></main></body></html>
            """
                .formatted(
                    status.value(),
                    status.getReasonPhrase(),
                    status.value(),
                    status.getReasonPhrase(),
                    HtmlUtils.htmlEscape(why),
                    HtmlUtils.htmlEscape(home)));
  }
}
