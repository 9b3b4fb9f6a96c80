package io.rekey.store;

/** The engine tests' store double keeps the same contract as the real stores. */
class InMemorySecretStoreTest extends SecretStoreContract {

    private final InMemorySecretStore store = new InMemorySecretStore();

    @Override
    protected SecretStore store() {
        return store;
    }
}
