package dev.retention.activities.sendingrules;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code retention.sending-rules.*}: automated customer emails go out only between {@code
 * business-start} and {@code business-end} on {@code business-days} in the customer's timezone, and
 * at most one a day per customer. {@code enabled} unset means: on when a playbook day is a real day
 * (P1D or longer), off for short demo days.
 */
@ConfigurationProperties("retention.sending-rules")
public record SendingRules(
    Boolean enabled, LocalTime businessStart, LocalTime businessEnd, Set<DayOfWeek> businessDays) {

  public SendingRules {
    businessStart = businessStart == null ? LocalTime.of(9, 0) : businessStart;
    businessEnd = businessEnd == null ? LocalTime.of(17, 0) : businessEnd;
    businessDays =
        businessDays == null || businessDays.isEmpty()
            ? EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)
            : EnumSet.copyOf(businessDays);
    if (!businessStart.isBefore(businessEnd)) {
      throw new IllegalArgumentException(
          "retention.sending-rules.business-start must be before business-end");
    }
  }

  public static SendingRules defaults() {
    return new SendingRules(null, null, null, null);
  }
}
