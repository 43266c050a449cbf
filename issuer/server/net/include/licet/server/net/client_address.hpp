// The client's address behind a reverse proxy (--trusted-proxy). The forwarding header is
// believed only when the TCP peer is a trusted proxy, and only as far as the chain of trusted
// proxies goes: walking from the right (the entry the nearest proxy appended), the first address
// that is not a trusted proxy is the client. Whatever a client writes itself sits to the left of
// that and is never reached. Rules: docs/SECURITY.md, "Hostile HTTP clients".
#pragma once

#include <string_view>
#include <vector>

#include "licet/common/error.hpp"
#include "licet/server/net/ip_address.hpp"

namespace licet::server::net {

// Which header the proxy writes. Only one is read: a proxy that sets X-Forwarded-For passes a
// client's own Forwarded header through untouched (and the other way round), so reading both
// would let the client choose its address.
enum class ForwardedHeader {
  x_forwarded_for,  // X-Forwarded-For: client, proxy1, proxy2 (nginx, HAProxy, most CDNs)
  forwarded,        // RFC 7239: Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"
};

// "x-forwarded-for" or "forwarded" (any case).
Result<ForwardedHeader> parse_forwarded_header(std::string_view text);
std::string_view header_name(ForwardedHeader h);

// `values`: every value of the configured header in the order received (several header lines
// are one list, RFC 9110 section 5.3). Returns the peer when it is not a trusted proxy. An entry
// that is not an address (garbage, "unknown", an obfuscated RFC 7239 node) ends the walk at the
// nearest trusted hop, the most specific address a trusted proxy vouches for.
IpAddress resolve_client(const IpAddress& peer, const TrustedProxies& trusted,
                         ForwardedHeader which, const std::vector<std::string_view>& values);

}  // namespace licet::server::net
