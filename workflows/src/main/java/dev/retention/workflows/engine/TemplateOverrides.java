package dev.retention.workflows.engine;

import dev.retention.workflows.ports.TemplateText;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The email templates a definition writes itself ({@link PlaybookDefinition#templates()}): which
 * variables a template may use, and the checks an override must pass. The email activity renders an
 * override exactly like a template file and adds what no template decides: the unsubscribe link,
 * the footer in the email's language, the headers, suppression and the sending rules.
 */
public final class TemplateOverrides {

  /** The variables every email gets from the activity: the product's, customer's and CSM's. */
  public static final Set<String> STANDARD =
      Set.of("product", "customer.id", "customer.name", "customer.plan", "csm.name", "csm.email");

  /**
   * The names in the map the {@code expansionFigures} compute sets ({@code figures}), which a
   * definition spreads into its emails with {@code emailVarsFrom} (the offers activity's figures).
   */
  static final List<String> FIGURES =
      List.of(
          "roi.currentPrice",
          "roi.usage",
          "roi.limit",
          "roi.usagePercent",
          "roi.currentPricePerThousand",
          "roi.nextPlan",
          "roi.nextFeatures",
          "roi.nextLimit",
          "roi.headroom",
          "roi.nextPrice",
          "roi.offerPrice",
          "roi.nextPricePerThousand",
          "roi.comparison",
          "roi.offerTerms");

  /** Longest subject an override may have. */
  static final int MAX_SUBJECT = 200;

  /** Longest text or HTML an override may have. */
  static final int MAX_BODY = 20_000;

  private static final Pattern PART = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
  private static final Pattern VARIABLE = Pattern.compile("\\s*([\\w.]+)\\s*");

  /** HTML an email must not carry: scripts, frames, forms, event handlers, script links. */
  private static final Pattern UNSAFE_HTML =
      Pattern.compile(
          "<\\s*/?\\s*(script|iframe|frame|object|embed|form|input|button|meta|link|base|style)\\b"
              + "|\\son[a-z]+\\s*="
              + "|(href|src|action)\\s*=\\s*[\"']?\\s*(javascript|vbscript|data)\\s*:",
          Pattern.CASE_INSENSITIVE);

  private TemplateOverrides() {}

  /**
   * The variables a definition's emails of one template are given: the standard ones, the
   * definition's {@code emailVars} (and what {@code emailVarsFrom} spreads) and the steps' own
   * {@code vars}.
   */
  static Set<String> offered(PlaybookDefinition d, Set<String> stepVars) {
    Set<String> names = new TreeSet<>(STANDARD);
    names.addAll(d.emailVars().keySet());
    if (d.emailVarsFrom() != null) {
      names.addAll(FIGURES);
    }
    names.addAll(stepVars);
    return names;
  }

  /**
   * The problems of the definition's overrides, each with its JSON pointer: {@code used} holds the
   * template names its steps use and the variables each offers; {@code anyName} is true when a
   * step's template name cannot be worked out (then any name is allowed, with {@code anyVars}).
   */
  static void check(
      PlaybookDefinition d,
      Map<String, Set<String>> used,
      boolean anyName,
      Set<String> anyVars,
      BiConsumer<String, String> problem) {
    if (d.templates() == null) {
      return;
    }
    d.templates()
        .forEach(
            (name, locales) -> {
              String at = DefinitionValidator.pointer("/templates", name);
              Set<String> offered = used.get(name);
              if (offered == null && anyName) {
                offered = offered(d, anyVars);
              }
              if (offered == null) {
                problem.accept(
                    at,
                    "no email step of this playbook uses the template '"
                        + name
                        + "'"
                        + (used.isEmpty()
                            ? ""
                            : "; its steps use " + String.join(", ", used.keySet())));
                return;
              }
              if (locales == null) {
                problem.accept(at, "give the template's subject and text per locale, such as en");
                return;
              }
              for (String locale : d.locales()) {
                if (locale != null && !locales.containsKey(locale)) {
                  problem.accept(
                      at,
                      "there is no "
                          + locale
                          + " text of '"
                          + name
                          + "', and "
                          + locale
                          + " is one of this playbook's locales");
                }
              }
              for (Map.Entry<String, TemplateText> entry : locales.entrySet()) {
                String here = DefinitionValidator.pointer(at, entry.getKey());
                if (!d.locales().contains(entry.getKey())) {
                  problem.accept(
                      here,
                      "'"
                          + entry.getKey()
                          + "' is not one of this playbook's locales ("
                          + String.join(", ", d.locales())
                          + ")");
                  continue;
                }
                localeText(entry.getValue(), here, offered, problem);
              }
            });
  }

  /**
   * The problems of one locale's text of a template whose emails are given {@code offered}, with
   * pointers under {@code at} ({@code at/subject}, {@code at/text}, {@code at/html}).
   */
  public static List<DefinitionProblem> problems(
      TemplateText text, String at, Set<String> offered) {
    List<DefinitionProblem> out = new java.util.ArrayList<>();
    localeText(
        text, at, offered, (where, message) -> out.add(new DefinitionProblem(where, message)));
    return out;
  }

  private static void localeText(
      TemplateText text, String at, Set<String> offered, BiConsumer<String, String> problem) {
    if (text == null) {
      problem.accept(at, "give a subject and a text");
      return;
    }
    if (text.subject() == null || text.subject().isBlank()) {
      problem.accept(DefinitionValidator.pointer(at, "subject"), "the subject is empty");
    } else {
      if (text.subject().contains("\n")) {
        problem.accept(DefinitionValidator.pointer(at, "subject"), "a subject is one line");
      }
      if (text.subject().length() > MAX_SUBJECT) {
        problem.accept(
            DefinitionValidator.pointer(at, "subject"),
            "a subject has at most " + MAX_SUBJECT + " characters");
      }
      variables(text.subject(), DefinitionValidator.pointer(at, "subject"), offered, problem);
    }
    if (text.text() == null || text.text().isBlank()) {
      problem.accept(DefinitionValidator.pointer(at, "text"), "the text is empty");
    } else {
      body(text.text(), DefinitionValidator.pointer(at, "text"), offered, problem);
    }
    if (text.html() != null) {
      String here = DefinitionValidator.pointer(at, "html");
      if (text.html().isBlank()) {
        problem.accept(here, "leave the HTML out to have it made from the text, or write it");
        return;
      }
      Matcher unsafe = UNSAFE_HTML.matcher(text.html());
      if (unsafe.find()) {
        problem.accept(
            here,
            "the HTML may not carry '"
                + unsafe.group().strip().toLowerCase(Locale.ROOT)
                + "': no scripts, frames, forms, styles sheets or event handlers in an email");
      }
      body(text.html(), here, offered, problem);
    }
  }

  private static void body(
      String body, String at, Set<String> offered, BiConsumer<String, String> problem) {
    if (body.length() > MAX_BODY) {
      problem.accept(at, "at most " + MAX_BODY + " characters");
    }
    variables(body, at, offered, problem);
  }

  /** Each {@code {{name}}} must be a variable the template is given. */
  private static void variables(
      String text, String at, Set<String> offered, BiConsumer<String, String> problem) {
    Matcher m = PART.matcher(text);
    while (m.find()) {
      Matcher name = VARIABLE.matcher(m.group(1));
      if (!name.matches()) {
        problem.accept(
            at,
            "'"
                + m.group()
                + "' is not a variable: an email template writes one as {{customer.name}}");
        continue;
      }
      if (!offered.contains(name.group(1))) {
        problem.accept(
            at,
            "this email is given no variable '"
                + name.group(1)
                + "'; it has "
                + String.join(", ", offered));
      }
    }
    int open = text.replaceAll("(?s)\\{\\{.*?}}", "").indexOf("{{");
    if (open >= 0) {
      problem.accept(at, "a '{{' is not closed with '}}'");
    }
  }
}
