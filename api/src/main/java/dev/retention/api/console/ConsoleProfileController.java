package dev.retention.api.console;

import dev.retention.api.security.Caller;
import dev.retention.api.security.Callers;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * A person's profile: the time zone the console shows times in. Empty means the browser's zone,
 * which the console's script sends in a cookie.
 */
@Controller
@Hidden
@RequestMapping("/console/profile")
class ConsoleProfileController {

  /** Every zone the JDK knows, sorted, for the form's suggestions. */
  static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().toList();

  private final JdbcClient jdbc;
  private final MessageSource messages;

  ConsoleProfileController(JdbcClient jdbc, MessageSource messages) {
    this.jdbc = jdbc;
    this.messages = messages;
  }

  @GetMapping
  String profile(HttpServletRequest request, Model model) {
    model.addAttribute("timeZone", stored(Callers.require()).orElse(""));
    model.addAttribute(
        "browserZone", ConsoleFormat.browserZone(request).map(ZoneId::getId).orElse("UTC"));
    model.addAttribute("zones", ZONES);
    return "console/profile";
  }

  @PostMapping
  String save(
      @RequestParam(required = false) String timeZone,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    Caller me = Callers.require();
    String value = timeZone == null ? "" : timeZone.strip();
    Optional<ZoneId> zone = ConsoleFormat.parse(value);
    if (!value.isEmpty() && zone.isEmpty()) {
      response.setStatus(400);
      model.addAttribute(
          "error",
          messages.getMessage(
              "profile.timeZone.invalid", new Object[] {value}, LocaleContextHolder.getLocale()));
      model.addAttribute("timeZone", value);
    } else {
      jdbc.sql("update people set time_zone = :z, updated_at = now() where username = :u")
          .param("z", zone.map(ZoneId::getId).orElse(null))
          .param("u", me.id())
          .update();
      model.addAttribute(
          "notice", messages.getMessage("profile.saved", null, LocaleContextHolder.getLocale()));
      model.addAttribute("timeZone", zone.map(ZoneId::getId).orElse(""));
    }
    model.addAttribute(
        "browserZone", ConsoleFormat.browserZone(request).map(ZoneId::getId).orElse("UTC"));
    model.addAttribute("zones", ZONES);
    return "console/profile";
  }

  private Optional<String> stored(Caller me) {
    if (me.isKey()) {
      return Optional.empty();
    }
    return jdbc.sql("select time_zone from people where username = :u")
        .param("u", me.id())
        .query(String.class)
        .optional();
  }
}
