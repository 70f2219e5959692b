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
      int bad = TextRules.forbiddenInFreeText(value);
      if (bad >= 0) {
        return SingleLine.Validator.refuse(
            context,
            "may hold line breaks and tabs but no other control character (found "
                + TextRules.describe(value.charAt(bad))
                + " at index "
                + bad
                + ")");
      }
      if (TextRules.length(value) > max) {
        return SingleLine.Validator.refuse(context, "must be at most " + max + " characters");
      }
      return true;
    }
  }
}
