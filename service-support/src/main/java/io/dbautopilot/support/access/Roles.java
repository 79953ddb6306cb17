package io.dbautopilot.support.access;

/** The two roles of the API: {@code @RolesAllowed(Roles.VIEWER)} on reads, {@code Roles.OPERATOR} on changes. */
public final class Roles {

    /** Reads everything. */
    public static final String VIEWER = "viewer";
    /** Reads and changes (an operator is also a viewer). */
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
