package io.dbautopilot.support.tool;

/** An external program that a capability needs is not installed; the message says where it was looked for and how to install it. */
public class ToolNotFoundException extends RuntimeException {

    public ToolNotFoundException(String message) {
        super(message);
    }
}
