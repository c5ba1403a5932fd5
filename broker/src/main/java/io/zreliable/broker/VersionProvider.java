package io.zreliable.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The version lines of {@code zreliable --version}, from a resource filled in by the build. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties props = load();
        return new String[] {
            "zreliable " + props.getProperty("version", "unknown"),
            "JeroMQ " + props.getProperty("jeromq", "unknown") + ", Java " + System.getProperty("java.version")
        };
    }

    static String version() {
        return load().getProperty("version", "unknown");
    }

    private static Properties load() {
        Properties props = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version resource", e);
        }
        return props;
    }
}
