package dev.retention.workflows.engine;

/**
 * What is wrong with a definition, and where.
 *
 * @param pointer a JSON Pointer (RFC 6901) into the definition's JSON form, such as {@code
 *     /steps/3/then/0/template} or {@code /on/outcome/CALL_COMPLETED/1/kind}; empty for the whole
 *     definition
 * @param message what is wrong, in words a CS lead understands
 */
public record DefinitionProblem(String pointer, String message) {}
