package io.dbautopilot.support.problem;

/** Thrown by resources and services to answer with a problem document of the given status. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;

    public ProblemException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    /** 400: the request is invalid. */
    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "Bad Request", detail);
    }

    /** 404: no such resource. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail);
    }

    /** 409: not possible in the resource's current state. */
    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    /** HTTP status. */
    public int status() {
        return status;
    }

    /** Problem title. */
    public String title() {
        return title;
    }
}
