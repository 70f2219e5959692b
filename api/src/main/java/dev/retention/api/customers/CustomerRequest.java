package dev.retention.api.customers;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;

record CustomerRequest(
    @NotBlank String name,
    @NotBlank @Email String email,
    @NotBlank String csmId,
    @NotBlank String plan,
    @NotNull @PositiveOrZero BigDecimal mrr,
    @NotNull @PositiveOrZero Integer planUsageLimit,
    @NotBlank String timezone,
    @NotBlank
        @Pattern(regexp = "[a-z]{2}(-[A-Z]{2})?", message = "must be a language tag like en or nl")
        String locale) {}
