package io.dbautopilot.localstack.containers;

import org.testcontainers.DockerClientFactory;

/** Tells whether a Docker engine is reachable, and why not when it is not. */
public final class DockerSupport {

    private DockerSupport() {
    }

    /** Null when Docker is usable; otherwise a one-line reason. */
    public static String unavailableReason() {
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
            return "no Docker engine is reachable (the docker client may exist, but no daemon answers)";
        } catch (Throwable e) {
            return "Docker could not be queried: " + e.getMessage();
        }
    }

    /** Whether Testcontainers can start containers here. */
    public static boolean available() {
        return unavailableReason() == null;
    }
}
