package dev.retention.activities.email;

import dev.retention.activities.email.consent.UnsubscribeLinks;
import dev.retention.activities.email.templates.EmailTemplates;
import dev.retention.activities.email.templates.EmailVariables;
import dev.retention.activities.email.templates.RenderedEmail;
import dev.retention.data.customers.Csm;
import dev.retention.data.customers.Customer;
import dev.retention.workflows.ports.TemplateText;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Composes a step's email exactly as it goes out: the template rendered with the standard and the
 * step's variables, in the customer's language and zone (alerts to CSMs in English), and, on a
 * customer email, the signed one-click unsubscribe link in the text, the HTML and the RFC 8058
 * headers. Sending and {@code GET /api/templates/.../preview} both use it, so a preview is the
 * email a customer gets.
 */
@Component
public class EmailComposer {

  private final EmailTemplates templates;
  private final EmailVariables variables;
  private final UnsubscribeLinks unsubscribeLinks;

  public EmailComposer(
      EmailTemplates templates, EmailVariables variables, UnsubscribeLinks unsubscribeLinks) {
    this.templates = templates;
    this.variables = variables;
    this.unsubscribeLinks = unsubscribeLinks;
  }

  /**
   * A composed email: its content, the unsubscribe link and headers (none on alerts), and the
   * variables it was rendered with.
   */
  public record Composed(
      RenderedEmail content,
      String unsubscribeUrl,
      Map<String, String> headers,
      Map<String, String> variables) {}

  /** An email to the customer, who can unsubscribe from it in one click. */
  public Composed toCustomer(
      String template, Customer customer, Csm csm, Map<String, String> stepVariables) {
    return toCustomer(template, null, customer, csm, stepVariables);
  }

  /**
   * An email to the customer from the template's text a definition version writes ({@code
   * override}, per locale; null: the template files). An override is given no {@code
   * unsubscribe.url}: the link and footer are always the composer's.
   */
  public Composed toCustomer(
      String template,
      Map<String, TemplateText> override,
      Customer customer,
      Csm csm,
      Map<String, String> stepVariables) {
    String url = unsubscribeLinks.url(customer.id(), customer.email());
    Map<String, String> vars = variables.of(customer, csm, stepVariables);
    if (override == null) {
      vars.put("unsubscribe.url", url);
    }
    RenderedEmail rendered =
        templates.render(
            template, override, customer.locale(), ZoneId.of(customer.timezone()), vars);
    if (override != null) {
      vars.put("unsubscribe.url", url);
    }
    RenderedEmail withLink =
        new RenderedEmail(
            rendered.subject(),
            withUnsubscribeLink(rendered.text(), url, rendered.locale()),
            rendered.html() == null
                ? null
                : withUnsubscribeLinkHtml(rendered.html(), url, rendered.locale()),
            rendered.locale());
    return new Composed(withLink, url, UnsubscribeLinks.headers(url), vars);
  }

  /** An alert about the customer to their CSM (or manager): in English, never unsubscribed. */
  public Composed alert(
      String template, Customer customer, Csm csm, Map<String, String> stepVariables) {
    return alert(template, null, customer, csm, stepVariables);
  }

  /** An alert from the template's text a definition version writes (its English), or the file. */
  public Composed alert(
      String template,
      Map<String, TemplateText> override,
      Customer customer,
      Csm csm,
      Map<String, String> stepVariables) {
    Map<String, String> vars = variables.of(customer, csm, stepVariables);
    RenderedEmail rendered =
        templates.render(
            template,
            override,
            EmailTemplates.FALLBACK_LOCALE,
            ZoneId.of(customer.timezone()),
            vars);
    return new Composed(rendered, null, Map.of(), vars);
  }

  /**
   * The footer's words in the language the email was rendered in (the customer's locale when its
   * templates exist): a Dutch email ends in Dutch. English for any other language.
   */
  static String unsubscribeWords(String locale) {
    String language = locale == null ? "" : Locale.forLanguageTag(locale).getLanguage();
    return switch (language) {
      case "nl" -> "Afmelden voor deze e-mails";
      default -> "Unsubscribe from these emails";
    };
  }

  /** The link at the end of the text, unless the template placed it already. */
  static String withUnsubscribeLink(String text, String url, String locale) {
    if (text.contains(url)) {
      return text;
    }
    return text.stripTrailing() + "\n\n--\n" + unsubscribeWords(locale) + ": " + url + "\n";
  }

  /** The link as a small footer at the end of the HTML body, unless the template placed it. */
  static String withUnsubscribeLinkHtml(String html, String url, String locale) {
    String href = url.replace("&", "&amp;").replace("\"", "&quot;");
    if (html.contains(href) || html.contains(url)) {
      return html;
    }
    String footer =
        "<p style=\"margin:24px 0 0;font-size:12px;color:#6b7280;\">"
            + "<a href=\""
            + href
            + "\" style=\"color:#6b7280;\">"
            + unsubscribeWords(locale)
            + "</a></p>\n";
    int body = html.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
    return body < 0 ? html + footer : html.substring(0, body) + footer + html.substring(body);
  }
}
