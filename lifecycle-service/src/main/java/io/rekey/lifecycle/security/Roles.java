package io.rekey.lifecycle.security;

/**
 * The API's roles, read from the token's {@code roles} claim. Each role includes the ones before it: an operator
 * may do what a viewer may, an admin what an operator may.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
