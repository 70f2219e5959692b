package dev.retention.workflows.ports;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One locale of an email template written in a playbook definition instead of a file: its subject,
 * its plain text and, optionally, its HTML fragment (derived from the text when missing). The
 * activity renders it exactly like a template file and adds the rest itself: unsubscribe link,
 * footer in the email's language, headers, suppression and sending rules.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TemplateText(String subject, String text, String html) {}
