#include "core/ops/inspect.hpp"

#include <fmt/core.h>

#include "core/guard.hpp"
#include "core/model.hpp"
#include "core/ops/feed.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/json.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/common/verdict.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::issuer::core {
namespace {

void set_verdict(InspectReport& r, const licet::Status& st) {
  r.verdict_code = st ? "ok" : std::string(licet::to_string(st.code()));
  if (!st) r.verdict = st.error().message;
}

void ledger_facts(store::Tx& tx, InspectReport& r, UnixTime now) {
  const Claims& c = *r.claims;
  const auto lic = tx.license(c.lic);
  const auto tok = tx.token(c.jti);
  if (!lic || !tok || tok->license_id != lic->id || tok->revision != c.rev) {
    r.ledger_state = "unknown";
    if (r.valid()) r.verdict += " — but this ledger has no record of this token";
    return;
  }
  r.current_revision = lic->revision;
  r.superseded_below = lic->superseded_below;
  r.license_status = std::string(to_string(status_of(*lic, now)));
  if (lic->status == "revoked" || tok->revoked_at) {
    r.ledger_state = "revoked";
  } else if (c.rev < lic->superseded_below) {
    r.ledger_state = "superseded";
  } else if (c.rev == lic->revision) {
    r.ledger_state = "current";
  } else {
    r.ledger_state = "valid";
  }
}

}  // namespace

Outcome<InspectReport> inspect(Session& s, const std::string& text, const std::string& file_name) {
  return guarded([&] {
    InspectReport r;
    r.file = file_name;
    const UnixTime now = s.ledger.now();
    auto lf = armor::read(text);
    if (!lf) {
      r.verdict = "not a license file: " + lf.error().message;
      return r;
    }
    auto parsed = paseto::parse(lf->token);
    if (!parsed) {
      r.verdict = parsed.error().message;
      return r;
    }
    r.payload = parsed->payload;
    if (!parsed->footer.empty()) {
      r.footer = parsed->footer;
      auto doc = json::parse_object(parsed->footer, json::Limits{4096, 2});
      if (doc && doc->HasMember("kid") && (*doc)["kid"].IsString()) {
        r.kid = std::string((*doc)["kid"].GetString(), (*doc)["kid"].GetStringLength());
      }
    }
    auto claims = claims_from_json(parsed->payload);
    if (claims) {
      r.claims = std::move(*claims);
    } else {
      r.claims_error = claims.error().message;
    }
    store::Tx tx(s.db, sql::TxMode::read);
    if (!r.kid) {
      r.verdict = "the footer names no signing key (kid)";
      return r;
    }
    std::optional<store::SigningKeyRecord> key;
    for (const auto& k : tx.signing_keys()) {
      if (k.pid == *r.kid) key = k;
    }
    if (!key) {
      r.verdict_code = "unknown_key";
      r.verdict = "signed by key " + *r.kid + ", which is not a key of this ledger";
      return r;
    }
    r.key_state = key->state;
    const auto pk = paserk::parse_public(key->public_key);
    if (!pk)
      throw Refused(Code::integrity, "the ledger's public key " + key->pid + " is unreadable");
    const licet::Status sig = paseto::verify_signature(*parsed, *pk);
    r.signature = sig ? "valid" : "invalid";
    if (!sig) {
      set_verdict(r, sig);
      return r;
    }
    if (!r.claims) {
      r.verdict_code = "malformed";
      r.verdict = *r.claims_error;
      return r;
    }
    TimePolicy policy;
    policy.now = now;
    licet::Status st = check_product_and_time(*r.claims, policy);
    if (st) {
      auto view = feed::ContentView::create(feed_content(tx, now));
      if (!view)
        throw Refused(Code::integrity, "the ledger's revocations: " + view.error().message);
      st = revocation_verdict(*view, *r.claims, *r.kid);
    }
    set_verdict(r, st);
    if (st) {
      r.verdict = fmt::format("valid: revision {} of {}", r.claims->rev, r.claims->lic);
    }
    ledger_facts(tx, r, now);
    return r;
  });
}

}  // namespace licet::issuer::core
