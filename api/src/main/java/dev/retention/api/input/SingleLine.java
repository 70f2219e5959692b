package dev.retention.api.input;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A single line of text: no CR, LF, NUL or other control character, at most {@link #max()}
 * characters (names and the like: {@value TextRules#LINE_MAX}; ids: {@value TextRules#ID_MAX}).
 * Null is valid; add {@code @NotBlank} where the field is required.
 */
@Documented
@Constraint(validatedBy = SingleLine.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface SingleLine {

  int max() default TextRules.LINE_MAX;

  String message() default "must be a single line of text";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  final class Validator implements ConstraintValidator<SingleLine, CharSequence> {

    private int max;

    @Override
    public void initialize(SingleLine annotation) {
      this.max = annotation.max();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      String fault = fault(value, max);
      return fault == null || refuse(context, fault);
    }

    /**
     * Refuses a single line from a form by the same rule as a body's: {@code field} named, the
     * detail the API gives for it ({@code <field> must be a single line…}).
     */
    public static void check(String field, CharSequence value, int max) {
      String fault = value == null ? null : fault(value, max);
      if (fault != null) {
        throw dev.retention.api.problems.ApiProblem.invalid(field, field + " " + fault);
      }
    }

    /** What is wrong with a single line of at most {@code max} characters, or null. */
    static String fault(CharSequence value, int max) {
      int bad = TextRules.forbiddenInLine(value);
      if (bad >= 0) {
        return "must be a single line: no line break or other control character (found "
            + TextRules.describe(value.charAt(bad))
            + " at index "
            + bad
            + ")";
      }
      if (TextRules.length(value) > max) {
        return "must be at most " + max + " characters";
      }
      return null;
    }

    static boolean refuse(ConstraintValidatorContext context, String message) {
      context.disableDefaultConstraintViolation();
      context.buildConstraintViolationWithTemplate(escape(message)).addConstraintViolation();
      return false;
    }

    /** Messages are templates: braces and dollars would be interpolated. */
    private static String escape(String message) {
      return message
          .replace("\\", "\\\\")
          .replace("{", "\\{")
          .replace("}", "\\}")
          .replace("$", "\\$");
    }
  }
}
