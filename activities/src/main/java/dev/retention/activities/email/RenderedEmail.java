package dev.retention.activities.email;

/** A template rendered for one customer. */
public record RenderedEmail(String subject, String text) {}
