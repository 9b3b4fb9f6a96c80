package io.rekey.worker.target.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.JWKGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.http.TargetHttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JWT signing keys (DUAL_KEY). The secret is a private JWK (its {@code kid} the RFC 7638 thumbprint); the worker
 * keeps a JWKS document of the public halves, {@code <directory>/<jwks>.json}, which a web server, CDN or the
 * lifecycle service serves to token verifiers.
 *
 * <ul>
 *   <li>generate: a new key pair of the configured algorithm (nothing published yet);</li>
 *   <li>deploy: the new public key is added to the JWKS, <em>before</em> anything signs with it (signers switch when
 *       promotion publishes SecretChanged);</li>
 *   <li>verify: a probe JWT signed with the new private key must verify against the JWKS as verifiers fetch it
 *       ({@code jwksUrl} when set, else the file);</li>
 *   <li>promote: signers move to the new key; tokens of the old one keep verifying, its public key is still
 *       published;</li>
 *   <li>cleanup, when the grace period ends (default one hour: longer than your longest token lifetime): the old
 *       public key leaves the JWKS, and tokens it signed stop verifying;</li>
 *   <li>rollback: the new public key leaves the JWKS and CURRENT's is put back if it went missing.</li>
 * </ul>
 * Keys other than these two are never touched, so several secrets may share one document. Verifiers should refetch
 * the JWKS when they meet an unknown {@code kid} (nimbus's RemoteJWKSet does), or cache it for less than the time
 * between deploy and the first token signed with the new key.
 *
 * <p>Target parameters: {@code jwks} (the document's name; defaults to the secret id with characters outside
 * {@code [A-Za-z0-9._-]} replaced by '_'), {@code alg} (ES256; also ES384, ES512, RS256, RS384, RS512, PS256, PS384,
 * PS512, EdDSA), {@code rsaBits} (3072), {@code jwksUrl} (where verifiers fetch it; optional),
 * {@code allowInsecureHttp} (false).
 */
public final class JwksSigningKeyTarget implements RotationTarget {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final List<String> ALGORITHMS = List.of("ES256", "ES384", "ES512", "RS256", "RS384", "RS512",
            "PS256", "PS384", "PS512", "EdDSA");
    private static final Duration PROBE_LIFETIME = Duration.ofMinutes(1);

    private final JwksFiles files;
    private final TargetHttp http = new TargetHttp(Duration.ofSeconds(10));
    private final Clock clock;

    public JwksSigningKeyTarget(JwksFiles files, Clock clock) {
        this.files = Objects.requireNonNull(files, "files must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public TargetKind kind() {
        return TargetKind.JWT_SIGNING_KEY;
    }

    /** Not used for the key itself; what a dry run checks the generator against. */
    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return CredentialPolicy.DATABASE_PASSWORD;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.DUAL_KEY);
        TargetParams params = TargetParams.of(descriptor);
        documentName(descriptor, params);
        params.oneOf("alg", "ES256", ALGORITHMS.toArray(String[]::new));
        params.integer("rsaBits", 3072, 2048, 8192);
        if (params.optional("jwksUrl").isPresent()) {
            params.httpUrl("jwksUrl", null);
        }
    }

    @Override
    public SecretValue generate(TargetContext context, CredentialGenerator generator) {
        TargetParams params = context.parameters();
        JWSAlgorithm alg = JWSAlgorithm.parse(params.optional("alg", "ES256"));
        JWKGenerator<? extends JWK> keys;
        if (JWSAlgorithm.Family.EC.contains(alg)) {
            keys = new ECKeyGenerator(Curve.forJWSAlgorithm(alg).iterator().next());
        } else if (JWSAlgorithm.Family.RSA.contains(alg)) {
            keys = new RSAKeyGenerator(params.integer("rsaBits", 3072, 2048, 8192));
        } else {
            keys = new OctetKeyPairGenerator(Curve.Ed25519);
        }
        try {
            JWK key = keys.keyUse(KeyUse.SIGNATURE).algorithm(alg).keyIDFromThumbprint(true).issueTime(Date.from(clock.instant()))
                    .generate();
            return SecretValue.of(key.toJSONString());
        } catch (JOSEException e) {
            throw TargetException.permanent("generate: cannot create a " + alg + " key: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void deploy(TargetContext context) {
        JWK pending = key(context.requirePending(), "PENDING");
        files.update(document(context), keys -> {
            keys.removeIf(k -> pending.getKeyID().equals(k.getKeyID()));
            keys.add(pending.toPublicJWK());
        });
    }

    @Override
    public void verify(TargetContext context) {
        JWK pending = key(context.requirePending(), "PENDING");
        JWSAlgorithm alg = JWSAlgorithm.parse(pending.getAlgorithm().getName());
        SignedJWT probe;
        try {
            probe = new SignedJWT(new JWSHeader.Builder(alg).keyID(pending.getKeyID()).build(), new JWTClaimsSet.Builder()
                    .issuer("rekey-rotation-worker").subject(context.secretId()).audience("rekey-verify").jwtID(context.rotationId())
                    .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plus(PROBE_LIFETIME))).build());
            probe.sign(new DefaultJWSSignerFactory().createJWSSigner(pending, alg));
        } catch (JOSEException e) {
            throw TargetException.permanent("verify: cannot sign with the new " + alg + " key: " + e.getClass().getSimpleName());
        }
        JWK published = published(context).getKeyByKeyId(pending.getKeyID());
        if (published == null) {
            throw TargetException.retryable("verify: the published JWKS has no key " + pending.getKeyID() + " yet");
        }
        try {
            if (!published.equals(pending.toPublicJWK()) || !probe.verify(verifier(published))) {
                throw TargetException.permanent("verify: a token signed with the new key " + pending.getKeyID()
                        + " does not verify against the key the JWKS publishes under that kid");
            }
        } catch (JOSEException e) {
            throw TargetException.permanent("verify: verification failed: " + e.getClass().getSimpleName());
        }
    }

    /** What a verifier holding only the published key uses (nimbus's key selectors do not take Ed25519 keys). */
    private static JWSVerifier verifier(JWK key) throws JOSEException {
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof OctetKeyPair okp) {
            return new Ed25519Verifier(okp);
        }
        throw new JOSEException("unsupported key type " + key.getKeyType());
    }

    @Override
    public void rollback(TargetContext context) {
        // Rollback must not be stopped by a value it cannot read: it still takes out what it can identify.
        Optional<JWK> current = context.current().flatMap(v -> readable(v, "CURRENT"));
        Optional<String> pendingKid = context.pending().flatMap(v -> readable(v, "PENDING")).map(JWK::getKeyID);
        files.update(document(context), keys -> {
            pendingKid.filter(kid -> current.isEmpty() || !kid.equals(current.get().getKeyID()))
                    .ifPresent(kid -> keys.removeIf(k -> kid.equals(k.getKeyID())));
            current.filter(c -> keys.stream().noneMatch(k -> c.getKeyID().equals(k.getKeyID())))
                    .ifPresent(c -> keys.add(c.toPublicJWK()));
        });
    }

    @Override
    public void cleanup(TargetContext context) {
        if (context.previous().isEmpty()) {
            return;
        }
        String previousKid = key(context.previous().get(), "PREVIOUS").getKeyID();
        Optional<String> currentKid = context.current().map(v -> key(v, "CURRENT").getKeyID());
        if (currentKid.isPresent() && currentKid.get().equals(previousKid)) {
            return;
        }
        files.update(document(context), keys -> keys.removeIf(k -> previousKid.equals(k.getKeyID())));
    }

    /** The JWKS a verifier gets: from {@code jwksUrl} when set (proving it is served), else the file. */
    private JWKSet published(TargetContext context) {
        Optional<String> url = context.parameters().optional("jwksUrl");
        if (url.isEmpty()) {
            return new JWKSet(files.read(document(context)));
        }
        URI uri = context.parameters().httpUrl("jwksUrl", null);
        HttpRequest request = http.request(uri).header("Accept", "application/json").GET().build();
        TargetHttp.Response response = http.send(request, "verify: fetching the JWKS");
        if (!response.ok()) {
            throw TargetHttp.statusFailure("verify: fetching the JWKS", request, response.status());
        }
        try {
            return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw TargetException.retryable("verify: " + uri + " does not serve a JWKS document");
        }
    }

    private String document(TargetContext context) {
        return documentName(context.descriptor(), context.parameters());
    }

    private static String documentName(SecretDescriptor descriptor, TargetParams params) {
        String fallback = descriptor.getSecretId().replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[._-]+", "");
        return params.matching("jwks", fallback.isEmpty() ? "jwks" : fallback, NAME,
                "a file name of letters, digits, '.', '_' or '-' (at most 128, starting with a letter or digit)");
    }

    private static Optional<JWK> readable(SecretValue value, String label) {
        try {
            return Optional.of(key(value, label));
        } catch (TargetException e) {
            return Optional.empty();
        }
    }

    /** A stored private JWK; a parse failure never quotes the value. */
    private static JWK key(SecretValue value, String label) {
        try {
            JWK key = JWK.parse(value.reveal());
            if (!key.isPrivate() || key.getKeyID() == null || key.getAlgorithm() == null
                    || !ALGORITHMS.contains(key.getAlgorithm().getName())) {
                throw TargetException.permanent("the " + label + " value is not a private signing JWK with kid and a supported alg");
            }
            return key;
        } catch (ParseException e) {
            throw TargetException.permanent("the " + label + " value is not a JWK");
        }
    }
}
