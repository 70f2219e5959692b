package dev.retention.api.security;

import dev.retention.api.problems.ProblemTexts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import tools.jackson.databind.json.JsonMapper;

/** 401 and 403 as problem+json that say what is missing, like every other error of the API. */
public class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final JsonMapper json;
  private final ProblemTexts texts;

  ProblemResponses(JsonMapper json, ProblemTexts texts) {
    this.json = json;
    this.texts = texts;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    String detail =
        authorization != null
            ? "the credentials sent are not valid: the integration key is unknown, revoked or"
                + " malformed (send 'Authorization: Bearer rpk_…')"
            : "this call needs credentials: an integration key as 'Authorization: Bearer <key>',"
                + " or a login session (POST /api/session)";
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"retention-playbooks\"");
    write(response, HttpStatus.UNAUTHORIZED, "Authentication required", detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    String detail;
    if (e instanceof CsrfException) {
      detail =
          "a write with a login session needs the CSRF token: send the XSRF-TOKEN cookie's value"
              + " in the X-XSRF-TOKEN header (integration keys need none)";
    } else {
      Caller caller = Callers.current().orElse(null);
      detail =
          caller == null
              ? "this call is not allowed"
              : AccessRules.ruleFor(request)
                  .map(rule -> rule.needs(caller))
                  .orElse("this call is not allowed for " + caller.actor());
    }
    write(response, HttpStatus.FORBIDDEN, "Forbidden", detail);
  }

  public void write(HttpServletResponse response, HttpStatus status, String title, String detail)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", texts.title(title));
    body.put("status", status.value());
    body.put("detail", texts.detail(detail));
    response.setStatus(status.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    json.writeValue(response.getOutputStream(), body);
  }
}
