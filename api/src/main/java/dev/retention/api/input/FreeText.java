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
 * Free text (a note, a comment): line breaks and tabs are fine, NUL and the other control
 * characters are not; at most {@link #max()} characters ({@value TextRules#FREE_TEXT_MAX} by
 * default). Null is valid.
 */
@Documented
@Constraint(validatedBy = FreeText.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
public @interface FreeText {

  int max() default TextRules.FREE_TEXT_MAX;

  String message() default "must be text without control characters";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  final class Validator implements ConstraintValidator<FreeText, CharSequence> {

    private int max;

    @Override
    public void initialize(FreeText annotation) {
      this.max = annotation.max();
    }

    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
      if (value == null) {
        return true;
      }
      String fault = fault(value, max);
      return fault == null || SingleLine.Validator.refuse(context, fault);
    }

    /**
     * What is wrong with free text (at most {@code max} characters, line breaks and tabs but no
     * other control character), or null: the rule for bodies and forms alike.
     */
    static String fault(CharSequence value, int max) {
      int bad = TextRules.forbiddenInFreeText(value);
      if (bad >= 0) {
        return "may hold line breaks and tabs but no other control character (found "
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

    /**
     * What is wrong with free text from a form by the rule of a body's (at most {@value
     * TextRules#FREE_TEXT_MAX} characters), or null.
     */
    public static String fault(CharSequence value) {
      return value == null ? null : fault(value, TextRules.FREE_TEXT_MAX);
    }

    /** Refuses free text from a form by the same rule as a body's ({@code field} named). */
    public static void check(String field, CharSequence value) {
      String fault = value == null ? null : fault(value, TextRules.FREE_TEXT_MAX);
      if (fault != null) {
        throw dev.retention.api.problems.ApiProblem.invalid(field, field + " " + fault);
      }
    }
  }
}
