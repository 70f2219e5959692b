package dev.retention.activities.email.templates;

import dev.retention.workflows.ports.TemplateText;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Per-step email templates a CS team can edit without touching Java: {@code
 * templates/email/<locale>/<playbook>/<step>.txt}, each with a {@code subject:} line, a {@code ---
 * text} section and a {@code --- html} section (an HTML fragment, wrapped in {@code
 * templates/email/layout.html}). {@code {{name}}} placeholders are filled from the variables
 * (HTML-escaped in the HTML); a placeholder without a value is an error, never an empty gap in a
 * live email. The customer's locale is used when it has the template ({@code nl-BE}, then {@code
 * nl}), else English.
 *
 * <p>Values are shown in the email's language: the playbooks pass codes ({@code
 * milestone=FIRST_QUERY}, {@code reason=TOO_EXPENSIVE}), and {@code
 * templates/email/<locale>/values.properties} says how each reads, as {@code
 * <variable>.<VALUE>=text} ({@code nps.comment.=(no comment)} for an empty value); without an entry
 * there, English's is used, then the value itself. A translation may use {@code {{name}}}
 * placeholders itself, filled the same way, so a code can pick a whole sentence with figures in it.
 * A value that is an ISO-8601 instant ({@code 2026-12-04T09:00:00Z}) is shown as a date and time in
 * the customer's timezone, in the pattern of {@code format.dateTime} in the same file (else the
 * locale's long date and short time).
 */
@Component
public class EmailTemplates {

  public static final String FALLBACK_LOCALE = "en";
  static final String ROOT = "templates/email/";
  static final String VALUES = "values.properties";
  static final String DATE_TIME_PATTERN = "format.dateTime";

  /** How deep translations may refer to variables whose translations refer to variables. */
  private static final int MAX_NESTING = 4;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\w.]+)\\s*}}");
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+/[a-z0-9-]+");
  private static final Pattern INSTANT =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  /** Each locale's value translations, read once; a locale without the file has none. */
  private final Map<String, Map<String, String>> values = new ConcurrentHashMap<>();

  /** The three parts of a template file, before filling. */
  record Source(String subject, String text, String html) {}

  /** Rendering for a customer's locale, with dates and times in UTC. */
  public RenderedEmail render(String template, String locale, Map<String, String> variables) {
    return render(template, locale, ZoneOffset.UTC, variables);
  }

  /**
   * Rendering for a customer's locale, with their codes translated and dates and times in their
   * timezone.
   */
  public RenderedEmail render(
      String template, String locale, ZoneId zone, Map<String, String> variables) {
    return render(template, null, locale, zone, variables);
  }

  /**
   * As {@link #render(String, String, ZoneId, Map)}, from the template's text a definition version
   * writes ({@code override}, per locale) when it has the customer's locale ({@code nl-BE}, then
   * {@code nl}, then English), else from the files. An override without HTML gets its text,
   * escaped, a paragraph per blank line.
   */
  public RenderedEmail render(
      String template,
      Map<String, TemplateText> override,
      String locale,
      ZoneId zone,
      Map<String, String> variables) {
    String used = null;
    Source source = null;
    if (override != null) {
      checkName(template);
      for (String candidate : candidates(locale)) {
        TemplateText written = override.get(candidate);
        if (written != null) {
          used = candidate;
          source = source(template, candidate, written);
          break;
        }
      }
    }
    if (source == null) {
      used = resolveLocale(template, locale);
      source = parse(template, used, load(used + "/" + template));
    }
    Shown vals = new Shown(template, used, zone == null ? ZoneOffset.UTC : zone, variables);
    String html =
        fill(template, load("layout.html"), name -> null, false)
            .replace("<!-- content -->", fill(template, source.html(), vals::shown, true));
    return new RenderedEmail(
        fill(template, source.subject(), vals::shown, false),
        fill(template, source.text(), vals::shown, false).strip() + "\n",
        html,
        used);
  }

  /** English rendering, dates and times in UTC. */
  public RenderedEmail render(String template, Map<String, String> variables) {
    return render(template, FALLBACK_LOCALE, variables);
  }

  /**
   * How a variable's value reads in a locale ({@code values.properties}, then English's), or empty
   * when neither translates it.
   */
  Optional<String> translation(String locale, String variable, String value) {
    for (String candidate : candidates(locale)) {
      String text = values(candidate).get(variable + "." + value);
      if (text != null) {
        return Optional.of(text);
      }
    }
    return Optional.empty();
  }

  /** The variables of one rendering, as the email shows them. */
  private final class Shown {
    private final String template;
    private final String locale;
    private final ZoneId zone;
    private final Map<String, String> variables;
    private final Map<String, String> shown = new HashMap<>();

    Shown(String template, String locale, ZoneId zone, Map<String, String> variables) {
      this.template = template;
      this.locale = locale;
      this.zone = zone;
      this.variables = variables;
    }

    /** The value as shown, or null when the variable has none. */
    String shown(String name) {
      return shown(name, 0);
    }

    private String shown(String name, int depth) {
      String cached = shown.get(name);
      if (cached != null) {
        return cached;
      }
      String value = variables.get(name);
      if (value == null) {
        return null;
      }
      String text = translation(locale, name, value).orElse(null);
      if (text != null) {
        if (depth >= MAX_NESTING) {
          throw new TemplateException(
              "template " + template + ": the translation of " + name + " nests too deeply");
        }
        text = fill(template, text, inner -> shown(inner, depth + 1), false);
      } else if (INSTANT.matcher(value).matches()) {
        text = dateTime(value);
      } else {
        text = value;
      }
      shown.put(name, text);
      return text;
    }

    private String dateTime(String value) {
      Instant instant;
      try {
        instant = DateTimeFormatter.ISO_INSTANT.parse(value, Instant::from);
      } catch (DateTimeException e) {
        return value;
      }
      Locale language = Locale.forLanguageTag(locale);
      String pattern = translationOf(DATE_TIME_PATTERN);
      DateTimeFormatter format =
          pattern == null
              ? DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
              : DateTimeFormatter.ofPattern(pattern);
      return format.withLocale(language).withZone(zone).format(instant);
    }

    private String translationOf(String key) {
      for (String candidate : candidates(locale)) {
        String text = values(candidate).get(key);
        if (text != null) {
          return text;
        }
      }
      return null;
    }
  }

  /** A locale's {@code values.properties}, read as UTF-8 once. */
  private Map<String, String> values(String locale) {
    return values.computeIfAbsent(
        locale,
        l -> {
          String file = l + "/" + VALUES;
          if (resource(file) == null) {
            return Map.of();
          }
          Properties props = new Properties();
          try (InputStream in = resourceStream(file)) {
            props.load(new InputStreamReader(in, StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new TemplateException("cannot read " + ROOT + file + ": " + e.getMessage());
          }
          Map<String, String> map = new HashMap<>();
          props.forEach((k, v) -> map.put(k.toString(), v.toString()));
          return Map.copyOf(map);
        });
  }

  /** The locale whose template will be used for a customer's locale tag. */
  public String resolveLocale(String template, String locale) {
    checkName(template);
    for (String candidate : candidates(locale)) {
      if (resource(candidate + "/" + template + ".txt") != null) {
        return candidate;
      }
    }
    throw new TemplateException("no template " + template + " (not even in English)");
  }

  /** Whether the English template exists. */
  public boolean exists(String template) {
    return exists(template, FALLBACK_LOCALE);
  }

  public boolean exists(String template, String locale) {
    return NAME.matcher(template).matches() && resource(locale + "/" + template + ".txt") != null;
  }

  /**
   * A template file's own text in exactly this locale (its subject, text and HTML fragment, before
   * filling), or null when it has no file in that locale.
   */
  public TemplateText fileText(String template, String locale) {
    if (!exists(template, locale)) {
      return null;
    }
    Source source = parse(template, locale, load(locale + "/" + template));
    return new TemplateText(source.subject(), source.text().strip(), source.html().strip());
  }

  /** The placeholder names a template uses, in subject, text and HTML. */
  public Set<String> variablesOf(String template, String locale) {
    Source source = parse(template, locale, load(locale + "/" + template));
    Set<String> names = new LinkedHashSet<>();
    for (String part : List.of(source.subject(), source.text(), source.html())) {
      Matcher m = PLACEHOLDER.matcher(part);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static List<String> candidates(String locale) {
    List<String> out = new ArrayList<>();
    if (locale != null && !locale.isBlank()) {
      String tag = Locale.forLanguageTag(locale.replace('_', '-')).toLanguageTag();
      if (!tag.equals("und")) {
        out.add(tag);
        String language = Locale.forLanguageTag(tag).getLanguage();
        if (!language.isEmpty() && !language.equals(tag)) {
          out.add(language);
        }
      }
    }
    out.add(FALLBACK_LOCALE);
    return out;
  }

  /** A definition's text of a template in one locale, as the parts of a file. */
  static Source source(String template, String locale, TemplateText written) {
    if (written.subject() == null
        || written.subject().isBlank()
        || written.text() == null
        || written.text().isBlank()) {
      throw new TemplateException(
          "the definition's " + locale + " text of template " + template + " is empty");
    }
    String html = written.html() == null ? htmlOf(written.text()) : written.html();
    return new Source(written.subject().strip(), written.text(), html);
  }

  /** A plain text as HTML: escaped, a paragraph per blank line, a line break per line. */
  public static String htmlOf(String text) {
    StringBuilder out = new StringBuilder();
    for (String paragraph : text.strip().replace("\r\n", "\n").split("\n\\s*\n", -1)) {
      if (paragraph.isBlank()) {
        continue;
      }
      out.append("<p>").append(escape(paragraph.strip()).replace("\n", "<br>\n")).append("</p>\n");
    }
    return out.toString();
  }

  private static Source parse(String template, String locale, String source) {
    String where = locale + "/" + template;
    int text = source.indexOf("\n--- text\n");
    int html = source.indexOf("\n--- html\n");
    if (!source.startsWith("subject:") || text < 0 || html < text) {
      throw new TemplateException(
          "template "
              + where
              + " must start with 'subject:', then a '--- text' and a '--- html' section");
    }
    String subject = source.substring("subject:".length(), text).trim();
    String body = source.substring(text + "\n--- text\n".length(), html);
    String markup = source.substring(html + "\n--- html\n".length());
    if (subject.isEmpty() || body.isBlank() || markup.isBlank()) {
      throw new TemplateException("template " + where + " has an empty subject, text or html");
    }
    return new Source(subject, body, markup);
  }

  private void checkName(String template) {
    if (template == null || !NAME.matcher(template).matches()) {
      throw new TemplateException("invalid template name " + template);
    }
  }

  private String load(String path) {
    String file = path.endsWith(".html") ? path : path + ".txt";
    try (InputStream in = resource(file) == null ? null : resourceStream(file)) {
      if (in == null) {
        throw new TemplateException("no template file " + ROOT + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    } catch (IOException e) {
      throw new TemplateException("cannot read " + ROOT + file + ": " + e.getMessage());
    }
  }

  private java.net.URL resource(String file) {
    return getClass().getClassLoader().getResource(ROOT + file);
  }

  private InputStream resourceStream(String file) {
    return getClass().getClassLoader().getResourceAsStream(ROOT + file);
  }

  private static String fill(
      String template, String text, Function<String, String> variables, boolean html) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = variables.apply(m.group(1));
      if (value == null) {
        throw new TemplateException("template " + template + " needs variable " + m.group(1));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(html ? escape(value) : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String escape(String value) {
    return value
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
