package dev.nfe.testsuite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs nfe as a real process (the same main class bin/nfe starts, on this test's class path), so
 * that exit codes, stdout and stderr are exactly what a user sees.
 */
final class Nfe {
    private Nfe() {
    }

    record Run(int exit, String stdout, String stderr) {
        List<String> lines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    static Path shared() {
        Path p = Path.of(System.getProperty("nfe.shared", "../shared")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p.resolve("corpus"))) {
            throw new IllegalStateException("../shared (corpus, captures, tools) not found at " + p);
        }
        return p;
    }

    static Path root() {
        return Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    }

    /** The command that starts nfe: java, this class path, the CLI main class. */
    static List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "dev.nfe.pipeline.cli.Nfe");
    }

    /** The same command as one shell word list, for tools that take --nfe CMD. */
    static String commandLine() {
        StringBuilder sb = new StringBuilder();
        for (String part : command()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('\'').append(part.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    static Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command());
        cmd.addAll(List.of(args));
        return exec(cmd, 600);
    }

    /** Runs {@code cmd} with extra environment variables given as NAME=VALUE. */
    static Run exec(List<String> cmd, long timeoutSeconds, String... env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nfe-out", ".txt");
        Path err = Files.createTempFile("nfe-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(root().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            for (String e : env) {
                int eq = e.indexOf('=');
                pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
            }
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
