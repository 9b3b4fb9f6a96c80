package io.rekey.worker.engine;

import java.time.Instant;

/** What a rotation does next, as the {@link RotationDecider} decides it. */
public sealed interface Step {

    /** Load the descriptor, check authority and that no other rotation is in flight, remember CURRENT. */
    record Prepare() implements Step { }

    /** Create the new credential and store it as PENDING before the target is touched (write-ahead). */
    record Generate() implements Step { }

    /** Validate generation only; a dry run ends here having changed nothing. */
    record ValidateDryRun() implements Step { }

    /** Apply the PENDING credential at the target. */
    record Deploy() implements Step { }

    /** Prove the PENDING credential works with a real login or call. */
    record Verify() implements Step { }

    /** Move CURRENT to the new version; the old one becomes PREVIOUS. */
    record Promote() implements Step { }

    /** Revoke the previous credential where the strategy has one; the grace period has passed. */
    record Cleanup() implements Step { }

    /** Restore the target to CURRENT and drop the PENDING version. */
    record RollBack() implements Step { }

    /** Start the next attempt of a rotation whose retry is due. */
    record StartNextAttempt() implements Step { }

    /** The attempt ran longer than the rotation timeout before promotion: fail it (and roll back). */
    record TimeOut(String reason) implements Step { }

    /** Nothing to do before {@code at}. */
    record WaitUntil(Instant at) implements Step { }

    /** The rotation is over. */
    record Done() implements Step { }
}
