// The JSON documents of the issuer, one per resource, used by the CLI's --json and by the admin
// API alike (docs/ARCHITECTURE.md "Documents" lists their members).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json_doc.hpp"
#include "core/model.hpp"
#include "core/refusal.hpp"
#include "store/audit_chain.hpp"
#include "store/records.hpp"

namespace licet::issuer::core {

struct LicenseDoc {
  store::LicenseRecord r;
  std::int64_t bound = 0;
  Status status = Status::active;

  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("license_key", r.key), cereal::make_nvp("product", r.product),
       cereal::make_nvp("customer", r.customer), cereal::make_nvp("kind", std::string(r.kind)),
       cereal::make_nvp("status", std::string(to_string(status))),
       cereal::make_nvp("seats", r.seats), cereal::make_nvp("seats_bound", bound));
    time_value(ar, "expires", r.expires_at);
    time_value(ar, "not_before", r.not_before);
    time_value(ar, "maint", r.maint_until);
    ar(cereal::make_nvp("features", r.features), cereal::make_nvp("meta", StringMap{&r.meta}));
    if (r.sync) {
      ar.setNextName("sync");
      ar.startNode();
      ar(cereal::make_nvp("url", r.sync->url), cereal::make_nvp("max_age", r.sync->max_age));
      ar.finishNode();
    } else {
      ar(cereal::make_nvp("sync", nullptr));
    }
    nullable(ar, "lease_seconds", r.lease_seconds);
    nullable(ar, "borrow_max_seconds", r.borrow_max_seconds);
    ar(cereal::make_nvp("revision", r.revision),
       cereal::make_nvp("superseded_below", r.superseded_below));
    nullable(ar, "revoked_reason", r.revoked_reason);
    time_value(ar, "created_at", r.created_at);
    time_value(ar, "updated_at", r.updated_at);
  }
};

struct DeviceDoc {
  store::DeviceRecord d;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("device_id", d.device_id));
    nullable(ar, "name", d.name);
    nullable(ar, "hostname", d.hostname);
    nullable(ar, "os", d.os);
    nullable(ar, "app", d.app);
    nullable(ar, "device_key", d.device_key);
    time_value(ar, "bound_at", d.bound_at);
    time_value(ar, "unbound_at", d.unbound_at);
    nullable(ar, "unbind_reason", d.unbind_reason);
  }
};

struct TokenDoc {
  store::TokenRecord t;
  std::string state;  // current | valid | superseded | revoked
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("jti", t.jti), cereal::make_nvp("kind", t.kind),
       cereal::make_nvp("revision", t.revision), cereal::make_nvp("kid", t.kid));
    nullable(ar, "device_id", t.device_id);
    time_value(ar, "issued_at", t.issued_at);
    time_value(ar, "expires_at", t.expires_at);
    time_value(ar, "revoked_at", t.revoked_at);
    ar(cereal::make_nvp("state", state));
  }
};

struct AuditDoc {
  store::AuditRecord e;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("id", e.id));
    time_value(ar, "at", e.at);
    ar(cereal::make_nvp("actor", e.actor), cereal::make_nvp("action", e.action));
    nullable(ar, "license_key", e.license_key);
    tree(ar, "before", e.before);
    tree(ar, "after", e.after);
    ar(cereal::make_nvp("hash", store::to_hex(e.hash)));
  }
};

template <class A, class Doc>
void doc_array(A& ar, const char* name, const std::vector<Doc>& docs) {
  ar.setNextName(name);
  ar.startNode();
  ar.makeArray();
  for (const auto& d : docs) {
    ar.startNode();
    d.save(ar);
    ar.finishNode();
  }
  ar.finishNode();
}

template <class A, class Doc>
void doc_member(A& ar, const char* name, const Doc& doc) {
  ar.setNextName(name);
  ar.startNode();
  doc.save(ar);
  ar.finishNode();
}

template <class A, class Doc>
void doc_member(A& ar, const char* name, const std::optional<Doc>& doc) {
  if (doc) {
    doc_member(ar, name, *doc);
  } else {
    ar(cereal::make_nvp(name, nullptr));
  }
}

struct LicenseDetailDoc {
  LicenseDoc license;
  std::vector<DeviceDoc> devices;  // bound and unbound, oldest first
  std::vector<TokenDoc> revisions;
  std::vector<AuditDoc> events;
  std::optional<std::string> claims;  // JSON of the current whole-license file, if any
  template <class A>
  void save(A& ar) const {
    license.save(ar);
    tree(ar, "claims", claims);
    doc_array(ar, "devices", devices);
    doc_array(ar, "revisions", revisions);
    doc_array(ar, "events", events);
  }
};

struct LicenseListDoc {
  std::vector<LicenseDoc> licenses;
  std::int64_t total = 0;           // matches without paging
  std::optional<std::string> next;  // cursor for the next page
  template <class A>
  void save(A& ar) const {
    doc_array(ar, "licenses", licenses);
    ar(cereal::make_nvp("count", static_cast<std::int64_t>(licenses.size())),
       cereal::make_nvp("total", total));
    nullable(ar, "next_cursor", next);
  }
};

struct ErrorDoc {
  Refusal refusal;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("error", std::string(to_string(refusal.code))),
       cereal::make_nvp("message", refusal.message));
    if (!refusal.details.empty()) ar(cereal::make_nvp("details", refusal.details));
  }
};

}  // namespace licet::issuer::core
