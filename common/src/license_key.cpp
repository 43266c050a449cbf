#include "licet/common/license_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "licet/common/sodium_init.hpp"

namespace licet::license_key {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// GF(32) = GF(2)[x] / (x^5 + x^2 + 1); alpha = x (2) generates its 31 non-zero elements.
constexpr unsigned kFieldPoly = 0b100101;

constexpr unsigned gf_mul(unsigned a, unsigned b) {
  unsigned r = 0;
  for (; b != 0; b >>= 1) {
    if ((b & 1) != 0) r ^= a;
    a <<= 1;
    if ((a & 32) != 0) a ^= kFieldPoly;
  }
  return r;
}

// kWeight[i] = alpha^(i+1) for the 17 symbol positions (16 random + check).
struct Weights {
  unsigned w[kRandomChars + 1]{};
  constexpr Weights() {
    unsigned p = 1;
    for (auto& x : w) x = p = gf_mul(p, 2);
  }
};
constexpr Weights kWeight;
// alpha^-17 = alpha^14, since alpha^31 = 1.
constexpr unsigned kInverseCheckWeight = [] {
  unsigned p = 1;
  for (int i = 0; i < 14; ++i) p = gf_mul(p, 2);
  return p;
}();

// The value of each canonical symbol, -1 for every other byte: is_canonical runs on every license
// check, and a search of the alphabet per symbol was most of its cost.
struct CanonicalValues {
  int v[256];
  constexpr CanonicalValues() : v() {
    for (auto& x : v) x = -1;
    for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
      v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
    }
  }
};
constexpr CanonicalValues kCanonicalValue;

// gf_mul(v, kWeight.w[i]) for every position i and symbol value v, for the same reason.
struct WeightedValues {
  unsigned char v[kRandomChars + 1][32];
  constexpr WeightedValues() : v() {
    for (std::size_t i = 0; i <= kRandomChars; ++i) {
      for (unsigned x = 0; x < 32; ++x)
        v[i][x] = static_cast<unsigned char>(gf_mul(x, kWeight.w[i]));
    }
  }
};
constexpr WeightedValues kWeighted;

// ASCII only, without the locale lookup of std::toupper (this runs on every license check).
char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

int symbol_value(char c) {
  c = upper(c);
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The check symbol c makes sum(v_i * alpha^i) = 0 over all 17 symbols in GF(32). A wrong symbol
// adds e * alpha^i != 0 and a swap of neighbours a, b adds (a ^ b) * alpha^i * (1 ^ alpha) != 0, so
// every single typo and every adjacent swap (check symbol included) is caught.
char check_symbol(std::string_view body) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    sum ^= gf_mul(static_cast<unsigned>(symbol_value(body[i])), kWeight.w[i]);
  }
  return kAlphabet[gf_mul(sum, kInverseCheckWeight)];
}

std::string format(std::string_view prefix, std::string_view body) {
  std::string out(prefix);
  for (std::size_t i = 0; i < body.size(); i += 4) {
    out += '-';
    out += body.substr(i, 4);
  }
  out += '-';
  out += check_symbol(body);
  return out;
}

struct Split {
  std::string prefix;
  std::string body;  // canonical symbols
  char check = 0;    // as typed, uppercased
};

Result<Split> split(std::string_view input) {
  std::string compact;
  for (char c : input) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    compact += upper(c);
  }
  const auto dash = compact.find('-');
  if (dash == std::string::npos) {
    return make_error(ErrorCode::malformed, "license key has no product prefix (PREFIX-XXXX-…)");
  }
  Split s;
  s.prefix = compact.substr(0, dash);
  if (!valid_prefix(s.prefix)) {
    return make_error(ErrorCode::malformed, "license key prefix '" + s.prefix + "' is not valid");
  }
  std::string rest;
  for (char c : compact.substr(dash + 1)) {
    if (c != '-') rest += c;
  }
  if (rest.size() != kRandomChars + 1) {
    return make_error(ErrorCode::malformed,
                      "license key has " + std::to_string(rest.size()) +
                          " characters after the prefix; expected 17 (four groups of four and a "
                          "check character)");
  }
  for (std::size_t i = 0; i < kRandomChars; ++i) {
    const int v = symbol_value(rest[i]);
    if (v < 0) {
      return make_error(ErrorCode::malformed, std::string("license key contains '") + rest[i] +
                                                  "', which is not a key character");
    }
    s.body += kAlphabet[static_cast<std::size_t>(v)];
  }
  if (symbol_value(rest.back()) < 0) {
    return make_error(ErrorCode::malformed, std::string("license key check character '") +
                                                rest.back() + "' is not valid");
  }
  s.check = kAlphabet[static_cast<std::size_t>(symbol_value(rest.back()))];
  return s;
}

}  // namespace

bool valid_prefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kMaxPrefix) return false;
  if (prefix[0] < 'A' || prefix[0] > 'Z') return false;
  for (char c : prefix) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string prefix_for_product(std::string_view product) {
  std::string out;
  for (char c : product) {
    if (std::isalnum(static_cast<unsigned char>(c)) && out.size() < 12) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  while (!out.empty() && !(out[0] >= 'A' && out[0] <= 'Z')) out.erase(0, 1);
  return out.empty() ? std::string("LIC") : out;
}

std::string generate(std::string_view prefix) {
  ensure_sodium();
  // One draw for all 80 bits (5 per symbol; 32 divides 256, so the low 5 bits of a uniform
  // byte are uniform): batch issuance makes 100 000 keys, and each draw is a system call.
  std::uint8_t bytes[kRandomChars];
  randombytes_buf(bytes, sizeof bytes);
  std::string body;
  for (std::uint8_t b : bytes) body += kAlphabet[b & 31U];
  return format(prefix, body);
}

Result<std::string> normalize(std::string_view input) {
  auto s = split(input);
  if (!s) return std::move(s).error();
  if (check_symbol(s->body) != s->check) {
    return make_error(ErrorCode::malformed,
                      "license key check character does not match: the key has a typo");
  }
  return format(s->prefix, s->body);
}

bool is_canonical(std::string_view key) {
  const auto dash = key.find('-');
  if (dash == std::string_view::npos || !valid_prefix(key.substr(0, dash))) return false;
  const std::string_view rest = key.substr(dash);  // "-XXXX-XXXX-XXXX-XXXX-C"
  if (rest.size() != kRandomChars + kRandomChars / 4 + 2) return false;
  unsigned sum = 0;
  std::size_t symbols = 0;
  for (std::size_t i = 0; i + 2 < rest.size(); ++i) {
    if (i % 5 == 0) {
      if (rest[i] != '-') return false;
      continue;
    }
    const int v = kCanonicalValue.v[static_cast<unsigned char>(rest[i])];
    if (v < 0) return false;
    if (symbols >= kRandomChars) return false;
    sum ^= kWeighted.v[symbols][v];
    ++symbols;
  }
  return symbols == kRandomChars && rest[rest.size() - 2] == '-' &&
         rest.back() == kAlphabet[gf_mul(sum, kInverseCheckWeight)];
}

std::vector<std::string> typo_candidates(std::string_view input) {
  std::vector<std::string> out;
  auto s = split(input);
  if (!s) return out;
  std::string full = s->body + s->check;
  auto consider = [&](const std::string& cand) {
    const std::string body = cand.substr(0, kRandomChars);
    if (check_symbol(body) == cand.back()) {
      std::string key = format(s->prefix, body);
      if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
  };
  for (std::size_t i = 0; i < full.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == full[i]) continue;
      std::string cand = full;
      cand[i] = c;
      consider(cand);
    }
    if (i + 1 < full.size()) {
      std::string cand = full;
      std::swap(cand[i], cand[i + 1]);
      consider(cand);
    }
  }
  return out;
}

}  // namespace licet::license_key
