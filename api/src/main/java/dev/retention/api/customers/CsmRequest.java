package dev.retention.api.customers;

import dev.retention.api.input.SingleLine;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;

record CsmRequest(
    @NotBlank @SingleLine String name,
    @NotBlank @Email @SingleLine String email,
    @NotBlank @Email @SingleLine String managerEmail) {}
