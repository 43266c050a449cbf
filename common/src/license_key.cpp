#include "licet/common/license_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "licet/common/sodium_init.hpp"

namespace licet::license_key {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kCheckSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

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

int check_value(char c) {
  c = upper(c);
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  const auto pos = kCheckSymbols.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The random part read as one base-32 number, modulo 37.
char check_symbol(std::string_view body) {
  int mod = 0;
  for (char c : body) mod = (mod * 32 + symbol_value(c)) % 37;
  return kCheckSymbols[static_cast<std::size_t>(mod)];
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
  if (check_value(rest.back()) < 0) {
    return make_error(ErrorCode::malformed, std::string("license key check character '") +
                                                rest.back() + "' is not valid");
  }
  s.check = kCheckSymbols[static_cast<std::size_t>(check_value(rest.back()))];
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
  std::string body;
  for (std::size_t i = 0; i < kRandomChars; ++i) {
    body += kAlphabet[randombytes_uniform(32)];
  }
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
  int mod = 0;
  std::size_t symbols = 0;
  for (std::size_t i = 0; i + 2 < rest.size(); ++i) {
    if (i % 5 == 0) {
      if (rest[i] != '-') return false;
      continue;
    }
    const auto v = kAlphabet.find(rest[i]);
    if (v == std::string_view::npos) return false;
    mod = (mod * 32 + static_cast<int>(v)) % 37;
    ++symbols;
  }
  return symbols == kRandomChars && rest[rest.size() - 2] == '-' &&
         rest.back() == kCheckSymbols[static_cast<std::size_t>(mod)];
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
    const std::string_view symbols = i < kRandomChars ? kAlphabet : kCheckSymbols;
    for (char c : symbols) {
      if (c == full[i]) continue;
      std::string cand = full;
      cand[i] = c;
      consider(cand);
    }
    if (i + 1 < full.size() && i + 1 < kRandomChars) {
      std::string cand = full;
      std::swap(cand[i], cand[i + 1]);
      consider(cand);
    }
  }
  return out;
}

}  // namespace licet::license_key
