package io.rekey.testkit.vault;

/**
 * A secrets engine or system backend mounted at a path of the stand-in (Vault's router does the same). The
 * stand-in has already checked the token and stripped the mount from the request's path.
 */
interface VaultBackend {

    VaultReply handle(VaultRequest request);
}
