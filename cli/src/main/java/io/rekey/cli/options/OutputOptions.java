package io.rekey.cli.options;

import picocli.CommandLine.Option;

/** {@code --output text|json}: a table for people or JSON for scripts. */
public final class OutputOptions {

    public enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    Format format;

    public boolean json() {
        return format == Format.json;
    }
}
