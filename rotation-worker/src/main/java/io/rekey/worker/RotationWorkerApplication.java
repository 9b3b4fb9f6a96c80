package io.rekey.worker;

import io.micronaut.runtime.Micronaut;

/** Starts the rotation worker. */
public final class RotationWorkerApplication {

    private RotationWorkerApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(RotationWorkerApplication.class).banner(false).start();
    }
}
