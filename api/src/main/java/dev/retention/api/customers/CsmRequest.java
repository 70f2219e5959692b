package dev.retention.api.customers;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;

record CsmRequest(
    @NotBlank String name, @NotBlank @Email String email, @NotBlank @Email String managerEmail) {}
