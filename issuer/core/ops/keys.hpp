// The data directory's birth and the signing keys' lifecycle: init, generate (verifying, not yet
// signing), rotate (new active key; the old one keeps verifying), activate, retire (warns about
// licenses still signed by the key), passwd, and the public keys apps embed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/documents.hpp"
#include "core/json_doc.hpp"
#include "core/ledger.hpp"
#include "core/refusal.hpp"
#include "store/records.hpp"

namespace licet::issuer::core {

struct KeyDoc {
  store::SigningKeyRecord k;
  std::int64_t licenses_signed = 0;  // licenses whose current files this key signed
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("pid", k.pid), cereal::make_nvp("public_key", k.public_key),
       cereal::make_nvp("state", k.state));
    time_value(ar, "created_at", k.created_at);
    time_value(ar, "retired_at", k.retired_at);
    ar(cereal::make_nvp("encrypted", k.encrypted),
       cereal::make_nvp("licenses_signed", licenses_signed));
  }
};

struct KeyResult {
  bool changed = true;
  std::string message;
  KeyDoc key;
  std::vector<std::string> still_signed;  // retire: licenses whose current files it signed
  template <class A>
  void save(A& ar) const {
    key.save(ar);
    ar(cereal::make_nvp("changed", changed), cereal::make_nvp("message", message),
       cereal::make_nvp("still_signed", still_signed));
  }
};

struct KeyListDoc {
  std::vector<KeyDoc> keys;
  template <class A>
  void save(A& ar) const {
    doc_array(ar, "keys", keys);
  }
};

struct PublicKeysDoc {
  std::vector<std::string> public_keys;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("public_keys", public_keys));
  }
};

struct InitResult {
  std::string data_dir, vendor;
  KeyDoc key;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("data_dir", data_dir), cereal::make_nvp("vendor", vendor),
       cereal::make_nvp("key", key.k.pid), cereal::make_nvp("public_key", key.k.public_key),
       cereal::make_nvp("encrypted", key.k.encrypted));
  }
};

// A new data directory: ledger, first (active) signing key, vendor id. Refuses an existing ledger.
Outcome<InitResult> init(LedgerOptions options, const std::string& vendor, bool encrypt,
                         const std::string& actor);

Outcome<std::vector<KeyDoc>> list_keys(Session& s);
Outcome<KeyResult> generate_key(Session& s);
Outcome<KeyResult> rotate_key(Session& s);
Outcome<KeyResult> activate_key(Session& s, const std::string& pid);
Outcome<KeyResult> retire_key(Session& s, const std::string& pid, bool force);
// Re-encrypts every key file with `next` (and encrypts keys made with --no-passphrase).
Outcome<KeyResult> change_passphrase(Session& s, std::unique_ptr<Passphrase> next);
// Every k4.public an app should trust now (active and verifying keys).
Outcome<std::vector<std::string>> public_keys(Session& s);

}  // namespace licet::issuer::core
