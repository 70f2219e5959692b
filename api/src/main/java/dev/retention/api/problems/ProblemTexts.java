package dev.retention.api.problems;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * A problem's {@code title} and {@code detail} in the caller's language (Accept-Language for the
 * API, the person's language in the console); English is the default and the text as written. Each
 * known English text has a pattern here and its words in {@code problems/messages_<lang>}; the
 * arguments (ids, field names, codes) stay as they were, so a client can still read them. A text no
 * pattern knows stays English. {@code type}, {@code status}, {@code field} and the extension
 * members never change.
 */
@Component
public class ProblemTexts {

  /** An English text and the key that says it, its groups the message's arguments. */
  record Text(Pattern english, String key) {
    static Text of(String regex, String key) {
      return new Text(Pattern.compile(regex, Pattern.DOTALL), key);
    }
  }

  static final List<Text> TITLES =
      List.of(
          Text.of("Invalid request", "problem.title.invalid"),
          Text.of("Malformed request body", "problem.title.malformed"),
          Text.of("Malformed webhook", "problem.title.malformedWebhook"),
          Text.of("Not found", "problem.title.notFound"),
          Text.of("Task not found", "problem.title.taskNotFound"),
          Text.of("Run not found", "problem.title.runNotFound"),
          Text.of("Customer not found", "problem.title.customerNotFound"),
          Text.of("Template not found", "problem.title.templateNotFound"),
          Text.of("Login not found", "problem.title.loginNotFound"),
          Text.of("Key not found", "problem.title.keyNotFound"),
          Text.of("CSM not found", "problem.title.csmNotFound"),
          Text.of("Forbidden", "problem.title.forbidden"),
          Text.of("Authentication required", "problem.title.authentication"),
          Text.of("Invalid signature", "problem.title.signature"),
          Text.of("Task already closed", "problem.title.taskClosed"),
          Text.of("Run already closed", "problem.title.runClosed"),
          Text.of("Playbook already running", "problem.title.alreadyRunning"),
          Text.of("Email in use", "problem.title.emailInUse"),
          Text.of("Login failed", "problem.title.loginFailed"),
          Text.of("Too many failed logins", "problem.title.tooManyLogins"),
          Text.of("Request body too large", "problem.title.tooLarge"),
          Text.of("Service unavailable", "problem.title.unavailable"),
          Text.of("Internal error", "problem.title.internal"),
          Text.of("Method Not Allowed", "problem.title.methodNotAllowed"),
          Text.of("Unsupported Media Type", "problem.title.unsupportedMediaType"),
          Text.of("Not Acceptable", "problem.title.notAcceptable"),
          Text.of("Too many dry-runs", "problem.title.tooManyDryRuns"),
          Text.of("Bad Request", "problem.title.invalid"));

  static final List<Text> DETAILS =
      List.of(
          Text.of("no task (\\S+)", "problem.noTask"),
          Text.of("no customer (\\S+)", "problem.noCustomer"),
          Text.of("no playbook run (\\S+)", "problem.noRun"),
          Text.of("no email template (\\S+)", "problem.noTemplate"),
          Text.of("no integration key (\\S+)", "problem.noKey"),
          Text.of("no login (\\S+)", "problem.noLogin"),
          Text.of("csmId (\\S+) is unknown", "problem.csmUnknown"),
          Text.of(
              "csmId (\\S+) is unknown; create it with PUT /api/csms/\\{csmId\\} first",
              "problem.csmUnknownCreate"),
          Text.of("customer (\\S+) is not in your portfolio", "problem.customerNotYours"),
          Text.of("customer (\\S+) is not in your team's portfolio", "problem.customerNotTeams"),
          Text.of("run (\\S+) is not in your portfolio", "problem.runNotYours"),
          Text.of("task (\\S+) is ([A-Z_]+); only an open task can change", "problem.taskClosed"),
          Text.of(
              "run (\\S+) is closed \\((.*)\\); nothing can be recorded on it",
              "problem.runClosed"),
          Text.of("the run has closed", "problem.runHasClosed"),
          Text.of("type is required", "problem.typeRequired"),
          Text.of(
              "definitions arrive with the engine: dry-run a playbook by its id \\(playbook\\)"
                  + " for now",
              "problem.dryRunDefinition"),
          Text.of(
              "every dry-run environment is busy \\((\\d+) play one dry-run each at a time\\);"
                  + " try again in a moment",
              "problem.dryRunBusy"),
          Text.of("unknown outcome type (.*)", "problem.unknownType"),
          Text.of("the run is already closed with outcome ([A-Z_]+)", "problem.closedWithOutcome"),
          Text.of(
              "the run's outcome is already ([A-Z_]+); it only has follow-up steps left",
              "problem.outcomeDecided"),
          Text.of(
              "([A-Z_]+) is not valid for (\\S+) in stage ([A-Z_]+); valid now: \\[(.*)\\]",
              "problem.notValidNow"),
          Text.of("RECOVERY_PLAN needs the plan as its note", "problem.recoveryPlanNote"),
          Text.of("the note is longer than (\\d+) characters", "problem.noteTooLong"),
          Text.of(
              "the username or the password is wrong, or the login is disabled",
              "problem.loginFailed"),
          Text.of(
              "the credentials sent are not valid: the integration key is unknown, revoked or"
                  + " malformed \\(send 'Authorization: Bearer rpk_…'\\)",
              "problem.badCredentials"),
          Text.of(
              "this call needs credentials: an integration key as 'Authorization: Bearer"
                  + " <key>', or a login session \\(POST /api/session\\)",
              "problem.needsCredentials"),
          Text.of(
              "a write with a login session needs the CSRF token: send the XSRF-TOKEN cookie's"
                  + " value in the X-XSRF-TOKEN header \\(integration keys need none\\)",
              "problem.csrf"),
          Text.of(
              "the database is unavailable; nothing was changed, retry later",
              "problem.databaseDown"),
          Text.of(
              "Temporal is unavailable; nothing was changed, retry later", "problem.temporalDown"),
          Text.of(
              "Temporal is overloaded; nothing was changed, retry later", "problem.temporalBusy"),
          Text.of(
              "Temporal did not answer in time; the change may or may not have been made: read it"
                  + " back before you retry",
              "problem.temporalSlow"),
          Text.of(
              "Temporal cannot answer for run (\\S+) now and no record of it is kept here: its"
                  + " workflow task is failing or no worker is polling; retry later, or look at the"
                  + " run in the Temporal UI",
              "problem.runStateUnavailable"),
          Text.of("this call is not allowed", "problem.notAllowed"),
          Text.of("this call is not allowed for (\\S+)", "problem.notAllowedFor"));

  private final MessageSource messages;

  ProblemTexts(MessageSource messages) {
    this.messages = messages;
  }

  /** The problem with its title and detail in the current request's language. */
  public ProblemDetail translate(ProblemDetail problem) {
    if (problem == null || english()) {
      return problem;
    }
    if (problem.getTitle() != null) {
      problem.setTitle(say(TITLES, problem.getTitle()));
    }
    if (problem.getDetail() != null) {
      problem.setDetail(say(DETAILS, problem.getDetail()));
    }
    return problem;
  }

  /** A title in the current language. */
  public String title(String english) {
    return english == null || english() ? english : say(TITLES, english);
  }

  /** A detail in the current language. */
  public String detail(String english) {
    return english == null || english() ? english : say(DETAILS, english);
  }

  private static boolean english() {
    return "en".equals(LocaleContextHolder.getLocale().getLanguage())
        || LocaleContextHolder.getLocale().getLanguage().isEmpty();
  }

  private String say(List<Text> texts, String english) {
    Locale locale = LocaleContextHolder.getLocale();
    for (Text text : texts) {
      Matcher m = text.english().matcher(english);
      if (m.matches()) {
        Object[] args = new Object[m.groupCount()];
        for (int i = 0; i < args.length; i++) {
          args[i] = m.group(i + 1);
        }
        String said = messages.getMessage(text.key(), args, null, locale);
        if (said != null) {
          return said;
        }
      }
    }
    return english;
  }
}
