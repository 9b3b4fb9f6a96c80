package io.rekey.audit.config;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv4.IPv4AddressTrie;
import inet.ipaddr.ipv6.IPv6AddressTrie;

import java.util.List;
import java.util.Objects;

/**
 * Allowed source networks, IPv4 and IPv6, held in prefix tries so a lookup costs one walk down a trie however many
 * blocks are configured. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is matched as the IPv4 address it
 * carries, as dual-stack sockets report them.
 *
 * <p>Immutable after construction; the tries are only read, so one instance serves every stream thread.
 */
public final class CidrAllowList {

    /** What a source address string turned out to be. */
    public enum Verdict { ALLOWED, OUTSIDE, NOT_AN_ADDRESS }

    /** A single address, written the usual way: no prefixes, masks, wildcards or inet_aton shorthand. */
    private static final IPAddressStringParameters SINGLE_ADDRESS = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allow_inet_aton(false)
            .allowPrefix(false).allowMask(false).allowWildcardedSeparator(false)
            .toParams();

    private final List<String> blocks;
    private final IPv4AddressTrie v4 = new IPv4AddressTrie();
    private final IPv6AddressTrie v6 = new IPv6AddressTrie();

    private CidrAllowList(List<String> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * @param setting the configuration key, named in error messages
     * @param cidrs   blocks such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one
     */
    public static CidrAllowList of(String setting, List<String> cidrs) {
        Objects.requireNonNull(cidrs, "cidrs must not be null");
        CidrAllowList list = new CidrAllowList(cidrs);
        for (String cidr : cidrs) {
            IPAddress block = new IPAddressString(cidr.trim()).getAddress();
            if (block == null) {
                throw new IllegalArgumentException(setting + ": '" + cidr + "' is not a CIDR block (for example 10.0.0.0/8 or fd00::/8)");
            }
            // 10.1.2.3/8 means the block 10.0.0.0/8, as routers read it.
            IPAddress prefixBlock = block.isPrefixed() ? block.toPrefixBlock() : block;
            if (prefixBlock.isIPv4()) {
                list.v4.add(prefixBlock.toIPv4());
            } else {
                list.v6.add(prefixBlock.toIPv6());
            }
        }
        return list;
    }

    /** Classifies a source address; never throws, whatever the string. */
    public Verdict check(String sourceIp) {
        try {
            return classify(sourceIp);
        } catch (RuntimeException e) {
            return Verdict.NOT_AN_ADDRESS;
        }
    }

    private Verdict classify(String sourceIp) {
        IPAddress address = new IPAddressString(sourceIp.trim(), SINGLE_ADDRESS).getAddress();
        // Ranges such as 10.*.0.1 parse too: one source is one address.
        if (address == null || address.isMultiple()) {
            return Verdict.NOT_AN_ADDRESS;
        }
        if (address.isIPv6() && address.isIPv4Convertible()) {
            address = address.toIPv4();
        }
        boolean allowed;
        if (address instanceof IPv4Address ipv4) {
            allowed = v4.elementContains(ipv4);
        } else {
            allowed = v6.elementContains(address.toIPv6().removeZone());
        }
        return allowed ? Verdict.ALLOWED : Verdict.OUTSIDE;
    }

    public List<String> blocks() {
        return blocks;
    }

    @Override
    public String toString() {
        return String.join(",", blocks);
    }
}
