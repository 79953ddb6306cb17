package io.dbautopilot.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every setting a packaged service really reads: the keys of its {@code application.properties} and every property
 * of its {@code @ConfigMapping} interfaces (found by reflection in {@code target/quarkus-app}), map keys as {@code *}.
 * Answers whether an environment variable or a properties key names one of them.
 */
final class ServiceSettings {

    private final String service;
    private final Set<String> properties;

    private ServiceSettings(String service, Set<String> properties) {
        this.service = service;
        this.properties = properties;
    }

    static ServiceSettings of(String service) {
        Path app = Repo.quarkusApp(service);
        Set<String> names = new TreeSet<>();
        List<URL> urls = new ArrayList<>();
        List<Path> appJars = new ArrayList<>();
        try (Stream<Path> a = Files.list(app.resolve("app")); Stream<Path> l = Files.list(app.resolve("lib/main"))) {
            List<Path> lib = l.filter(x -> x.toString().endsWith(".jar")).toList();
            appJars.addAll(a.filter(p -> p.toString().endsWith(".jar")).toList());
            // the project's own libraries (service-support holds settings both services share)
            appJars.addAll(lib.stream().filter(p -> p.getFileName().toString().startsWith("io.dbautopilot.")).toList());
            for (Path p : Stream.concat(appJars.stream(), lib.stream()).distinct().toList()) {
                urls.add(p.toUri().toURL());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (Path jar : appJars) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    try (InputStream in = jf.getInputStream(jf.getEntry("application.properties"))) {
                        Properties props = new Properties();
                        props.load(in);
                        for (String key : props.stringPropertyNames()) {
                            names.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
                        }
                    } catch (NullPointerException noProperties) {
                        // a jar without application.properties
                    }
                    jf.stream().map(e -> e.getName())
                            .filter(n -> n.endsWith(".class") && !n.contains("$$") && !n.startsWith("META-INF"))
                            .forEach(n -> mappings(loader, n.substring(0, n.length() - 6).replace('/', '.'), names));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServiceSettings(service, names);
    }

    /** Property names (map keys as {@code *}). */
    Set<String> properties() {
        return properties;
    }

    /** Whether an environment variable sets one of the settings (Quarkus' rule: upper case, non-alphanumerics as '_'). */
    boolean knowsEnv(String env) {
        return properties.stream().anyMatch(p -> envPattern(p).matcher(env).matches());
    }

    /** Whether a properties-file key is one of the settings. */
    boolean knowsProperty(String key) {
        return properties.stream().anyMatch(p -> propertyPattern(p).matcher(key).matches());
    }

    /** Whether there is a {@code @ConfigMapping} with this prefix (proves the reflection found the mappings). */
    boolean hasPrefix(String prefix) {
        return properties.stream().anyMatch(p -> p.startsWith(prefix + "."));
    }

    @Override
    public String toString() {
        return service + " settings " + properties;
    }

    private static Pattern envPattern(String property) {
        StringBuilder regex = new StringBuilder();
        String[] parts = property.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(parts[i].replaceAll("[^A-Za-z0-9]", "_").toUpperCase()));
        }
        return Pattern.compile(regex.toString());
    }

    private static Pattern propertyPattern(String property) {
        StringBuilder regex = new StringBuilder();
        String[] parts = property.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("(?:[^.\"]+|\"[^\"]+\")");
            }
            regex.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString());
    }

    private static void mappings(ClassLoader loader, String className, Set<String> names) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (Throwable notLoadable) {
            return;
        }
        Annotation mapping = annotation(type.getAnnotations(), "io.smallrye.config.ConfigMapping");
        if (mapping == null || !type.isInterface()) {
            return;
        }
        String prefix = (String) value(mapping, "prefix");
        walk(type, prefix, names, 0);
    }

    private static void walk(Class<?> type, String prefix, Set<String> names, int depth) {
        if (depth > 8) {
            return;
        }
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.isDefault() || m.getParameterCount() > 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Annotation withName = annotation(m.getAnnotations(), "io.smallrye.config.WithName");
            boolean parent = annotation(m.getAnnotations(), "io.smallrye.config.WithParentName") != null;
            String name = withName != null ? (String) value(withName, "value") : kebab(m.getName());
            String path = parent ? prefix : (prefix.isEmpty() ? name : prefix + "." + name);
            add(m.getGenericReturnType(), path, names, depth);
        }
    }

    private static void add(Type type, String path, Set<String> names, int depth) {
        Class<?> raw = raw(type);
        if (Map.class.isAssignableFrom(raw) && type instanceof ParameterizedType pt) {
            add(pt.getActualTypeArguments()[1], path + ".*", names, depth);
        } else if ((Optional.class == raw || Collection.class.isAssignableFrom(raw)) && type instanceof ParameterizedType pt) {
            add(pt.getActualTypeArguments()[0], path, names, depth);
        } else if (raw.isInterface() && !raw.getName().startsWith("java.")) {
            walk(raw, path, names, depth + 1);
        } else {
            names.add(path);
        }
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType pt) {
            return (Class<?>) pt.getRawType();
        }
        return Object.class;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Annotation annotation(Annotation[] annotations, String name) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static Object value(Annotation a, String attribute) {
        try {
            return a.annotationType().getMethod(attribute).invoke(a);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
