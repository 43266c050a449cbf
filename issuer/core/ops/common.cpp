#include "core/ops/common.hpp"

#include "core/model.hpp"
#include "core/refusal.hpp"
#include "licet/common/license_key.hpp"

namespace licet::issuer::core {

store::LicenseRecord require_license(store::Tx& tx, std::string_view typed) {
  auto canonical = license_key::normalize(typed);
  if (canonical) {
    if (auto r = tx.license(*canonical)) return *r;
    throw Refused(Code::unknown_license, "no license " + *canonical);
  }
  std::vector<std::string> known;
  for (const auto& candidate : license_key::typo_candidates(typed)) {
    if (tx.license(candidate)) known.push_back(candidate);
  }
  std::string shown(typed.substr(0, 64));
  std::string msg = "no license " + shown + " (" + canonical.error().message + ")";
  if (known.size() == 1) {
    msg += "; did you mean " + known[0] + "?";
  } else if (!known.empty()) {
    msg += "; did you mean one of:";
    for (const auto& k : known) msg += " " + k;
    msg += "?";
  }
  throw Refused(Code::unknown_license, msg, known);
}

void refuse_revoked(const store::LicenseRecord& r) {
  if (r.status == "revoked") {
    throw Refused(Code::revoked,
                  "the license " + r.key + " is revoked; `licet reinstate " + r.key + "` first");
  }
}

void refuse_expired(const store::LicenseRecord& r, UnixTime now, std::string_view what) {
  if (r.expires_at && *r.expires_at <= now) {
    throw Refused(Code::expired, "the license " + r.key + " expired on " +
                                     format_rfc3339(*r.expires_at) + "; extend it before " +
                                     std::string(what));
  }
}

LicenseDoc license_doc(store::Tx& tx, const store::LicenseRecord& r, UnixTime now) {
  return LicenseDoc{r, tx.bound_count(r.id), status_of(r, now)};
}

void preload_signing_key(Session& s) {
  // Loaded already (the server, a command signing twice): nobody will be asked anything.
  if (s.ledger.keys().has_loaded_active()) return;
  store::Tx tx(s.db, sql::TxMode::read);
  (void)s.ledger.keys().active(tx);
}

}  // namespace licet::issuer::core
