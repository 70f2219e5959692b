package dev.retention.api.customers;

import dev.retention.api.input.SingleLine;
import dev.retention.api.input.TextRules;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * {@code mrr} fits the column (numeric(12, 2)); {@code planUsageLimit} is an int, as is its column.
 * {@code renewalDate} and {@code arr} (numeric(14, 2)) are optional: left out, they stay as they
 * were.
 */
record CustomerRequest(
    @NotBlank @SingleLine String name,
    @NotBlank @Email @SingleLine String email,
    @NotBlank @SingleLine(max = TextRules.ID_MAX) String csmId,
    @NotBlank @SingleLine String plan,
    @NotNull
        @PositiveOrZero
        @DecimalMax(value = "9999999999.99", message = "must be at most 9999999999.99")
        @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimals")
        BigDecimal mrr,
    @NotNull @PositiveOrZero Integer planUsageLimit,
    @NotBlank @SingleLine String timezone,
    @NotBlank
        @Pattern(regexp = "[a-z]{2}(-[A-Z]{2})?", message = "must be a language tag like en or nl")
        String locale,
    LocalDate renewalDate,
    @PositiveOrZero
        @DecimalMax(value = "999999999999.99", message = "must be at most 999999999999.99")
        @Digits(integer = 12, fraction = 2, message = "must have at most 2 decimals")
        BigDecimal arr) {}
