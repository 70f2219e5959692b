package dev.retention.activities.email.templates;

/** A template rendered for one customer: subject, plain text, HTML, and the locale used. */
public record RenderedEmail(String subject, String text, String html, String locale) {}
