package dev.retention.api.security.login;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A session cookie that cannot name a session is no cookie. Spring Session reads the cookie as
 * base64 and looks the id up in PostgreSQL, which refuses some bytes (a NUL) with an error: without
 * this guard such a cookie answers 500. Runs just before the session filter and hides a {@code
 * JSESSIONID} whose value is not a session id (a UUID, base64-encoded), so the request goes on as
 * one without a session (401 where credentials are needed).
 */
@Configuration(proxyBeanMethods = false)
class SessionCookieGuard {

  static final String COOKIE = "JSESSIONID";
  private static final Pattern SESSION_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");

  @Bean
  FilterRegistrationBean<OncePerRequestFilter> sessionCookieGuardFilter() {
    FilterRegistrationBean<OncePerRequestFilter> registration =
        new FilterRegistrationBean<>(
            new OncePerRequestFilter() {
              @Override
              protected void doFilterInternal(
                  HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                  throws ServletException, IOException {
                Cookie[] cookies = request.getCookies();
                if (cookies == null || Arrays.stream(cookies).allMatch(SessionCookieGuard::fine)) {
                  chain.doFilter(request, response);
                  return;
                }
                Cookie[] kept =
                    Arrays.stream(cookies).filter(SessionCookieGuard::fine).toArray(Cookie[]::new);
                chain.doFilter(
                    new HttpServletRequestWrapper(request) {
                      @Override
                      public Cookie[] getCookies() {
                        return kept.length == 0 ? null : kept.clone();
                      }
                    },
                    response);
              }
            });
    registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER - 1);
    return registration;
  }

  static boolean fine(Cookie cookie) {
    if (!COOKIE.equals(cookie.getName())) {
      return true;
    }
    try {
      String id = new String(Base64.getDecoder().decode(cookie.getValue()), StandardCharsets.UTF_8);
      return SESSION_ID.matcher(id).matches();
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }
}
