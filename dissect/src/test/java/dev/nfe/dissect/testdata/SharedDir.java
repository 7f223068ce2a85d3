package dev.nfe.dissect.testdata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place dissect's tests find the shared data (the public corpus with its tshark truth,
 * the loopback captures): the {@code shared} directory beside the repository.
 *
 * <p>Where it looks, in order:
 * <ol>
 *   <li>the system property {@code nfe.shared}, when it names a directory that holds what the
 *       test needs (surefire sets it from the root pom; {@code -Dnfe.shared=DIR} overrides it);
 *   <li>{@code <repository root>/../shared}, the root found by walking up from the working
 *       directory (the module directory under surefire) to the nearest directory holding
 *       {@code .git}, else the topmost of the directories holding a {@code pom.xml}.
 * </ol>
 * The second candidate is why a property computed from the wrong directory (Maven started inside
 * a module sets {@code maven.multiModuleProjectDirectory} to that module) still finds the data,
 * and why no machine-specific path is needed.
 *
 * <p>When neither holds it, a test is skipped with a message that names every place tried, so
 * a developer without the data can still run the rest; under {@code CI=true} (the CI entry point
 * .ci/run sets it) the test fails instead: a CI run that silently skipped the corpus would report
 * green on nothing.
 */
public final class SharedDir {
    /** The override: {@code -Dnfe.shared=DIR}. */
    public static final String PROPERTY = "nfe.shared";

    private SharedDir() {
    }

    /**
     * {@code relative} (e.g. {@code "corpus"}) inside the shared directory; skips the calling
     * test when it is missing, or fails it under CI=true.
     */
    public static Path require(String relative) {
        return require(relative, System.getProperty(PROPERTY), Path.of("").toAbsolutePath(),
                "true".equalsIgnoreCase(System.getenv("CI")));
    }

    /** As {@link #require(String)}, with the override, the starting directory and CI given. */
    static Path require(String relative, String override, Path start, boolean ci) {
        List<Candidate> candidates = candidates(override, start);
        for (Candidate c : candidates) {
            Path p = c.dir().resolve(relative);
            if (Files.exists(p)) {
                return p;
            }
        }
        String tried = candidates.isEmpty() ? "nowhere (no nfe.shared property and no repository above " + start + ")"
                : candidates.stream().map(c -> c.dir() + " (" + c.why() + ")").collect(Collectors.joining(", "));
        String message = "shared data missing: " + relative + " not found in " + tried
                + "; put shared/ beside the repository or run with -D" + PROPERTY + "=DIR";
        if (ci) {
            return Assertions.fail(message + ". Failing, not skipping, because CI=true: CI must run the corpus tests");
        }
        return Assumptions.abort(message + ". Skipped (under CI=true this fails)");
    }

    /** A place the shared directory may be, and why it is looked at. */
    record Candidate(Path dir, String why) {
    }

    static List<Candidate> candidates(String override, Path start) {
        List<Candidate> out = new ArrayList<>();
        if (override != null && !override.isBlank()) {
            out.add(new Candidate(Path.of(override).toAbsolutePath().normalize(), "-D" + PROPERTY));
        }
        Path root = repositoryRoot(start);
        if (root != null && root.getParent() != null) {
            Candidate beside = new Candidate(root.resolveSibling("shared"), "beside the repository " + root);
            if (!out.isEmpty() && out.get(0).dir().equals(beside.dir())) {
                // the usual case: surefire's property is this same place
                out.set(0, new Candidate(beside.dir(), out.get(0).why() + "; " + beside.why()));
            } else {
                out.add(beside);
            }
        }
        return out;
    }

    /**
     * The nearest directory at or above {@code start} that holds {@code .git} (a directory in a
     * clone, a file in a worktree); without one, the topmost directory of the unbroken chain of
     * directories holding a {@code pom.xml} (the reactor root); null when neither exists.
     */
    static Path repositoryRoot(Path start) {
        Path dir = start.toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"))) {
                return d;
            }
        }
        Path top = null;
        for (Path d = dir; d != null && Files.isRegularFile(d.resolve("pom.xml")); d = d.getParent()) {
            top = d;
        }
        return top;
    }
}
