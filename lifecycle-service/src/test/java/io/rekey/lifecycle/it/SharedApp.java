package io.rekey.lifecycle.it;

import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One lifecycle service for all tests of a class, on the JVM's real broker and registry. */
abstract class SharedApp {

    static final String OPERATOR = LifecycleApp.token("alice", "operator");
    static final String ADMIN = LifecycleApp.token("root-admin", "admin");
    static final String VIEWER = LifecycleApp.token("val", "viewer");

    static LifecycleApp app;
    final RekeyStack stack;

    SharedApp(RekeyStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void startApp(RekeyStack stack) {
        app = LifecycleApp.start(stack);
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
            app = null;
        }
    }
}
