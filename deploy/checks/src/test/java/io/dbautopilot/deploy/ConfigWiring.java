package io.dbautopilot.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks how a deployment configures a service: every environment variable sets a real setting or is referenced as
 * {@code ${NAME}} from the mounted properties file, every key of that file is a real setting, and every variable the
 * file references is provided.
 */
final class ConfigWiring {

    /** Variables read by the images themselves (Dockerfile ENTRYPOINT / tools), not by the application. */
    static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS", "PATH");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}");

    private ConfigWiring() {
    }

    /**
     * @param settings   the service's settings
     * @param env        names of the environment variables the deployment gives the container
     * @param properties text of the mounted application.properties ("" if none)
     * @return problems, empty if the wiring is right
     */
    static List<String> problems(ServiceSettings settings, Collection<String> env, String properties) {
        List<String> problems = new ArrayList<>();
        Properties props = new Properties();
        try {
            props.load(new StringReader(properties));
        } catch (IOException e) {
            problems.add("mounted properties do not parse: " + e.getMessage());
        }
        Set<String> referenced = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (!settings.knowsProperty(key)) {
                problems.add("properties key '" + key + "' is no setting of the service");
            }
            Matcher m = REFERENCE.matcher(props.getProperty(key));
            while (m.find()) {
                referenced.add(m.group(1));
            }
        }
        for (String name : env) {
            if (!settings.knowsEnv(name) && !referenced.contains(name) && !IMAGE_VARIABLES.contains(name)) {
                problems.add("environment variable " + name + " maps to no setting and is not referenced from the properties");
            }
        }
        for (String name : referenced) {
            if (!env.contains(name)) {
                problems.add("the properties reference ${" + name + "} but no such environment variable is given");
            }
        }
        return problems;
    }
}
