// Reading the ledger: one license in full, lists with filters and pages, statistics. The
// documents are the same for the CLI's --json and the admin API.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/documents.hpp"
#include "core/ledger.hpp"
#include "core/model.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

Outcome<LicenseDetailDoc> show(Session& s, const std::string& typed_key);

struct ListRequest {
  std::optional<std::string> key_prefix;
  std::optional<std::string> product;
  std::optional<std::string> customer;  // substring, case-insensitive
  std::optional<std::string> meta;      // substring of any meta name or value (an order id…)
  std::optional<Status> status;
  std::optional<Kind> kind;
  std::optional<std::string> signed_by;         // kid
  std::optional<std::int64_t> expiring_within;  // days: active licenses expiring that soon
  std::optional<std::string> cursor;            // next_cursor of the previous page
  std::int64_t limit = 0;                       // 0 = all
};
Outcome<LicenseListDoc> list(Session& s, const ListRequest& r);

struct Counts {
  std::int64_t licenses = 0, active = 0, expired = 0, revoked = 0;
  std::int64_t seats = 0, bound = 0;  // of active licenses only: the ones in use
  template <class A>
  void save(A& ar) const {
    ar.setNextName("licenses");
    ar.startNode();
    ar(cereal::make_nvp("total", licenses), cereal::make_nvp("active", active),
       cereal::make_nvp("expired", expired), cereal::make_nvp("revoked", revoked));
    ar.finishNode();
    ar.setNextName("seats");
    ar.startNode();
    ar(cereal::make_nvp("total", seats), cereal::make_nvp("bound", bound),
       cereal::make_nvp("free", seats - bound));
    ar.finishNode();
  }
};

struct StatsDoc {
  Counts total;
  std::map<std::string, Counts> products;
  std::vector<LicenseDoc> fullest;  // active licenses, fullest first
  template <class A>
  void save(A& ar) const {
    total.save(ar);
    ar.setNextName("products");
    ar.startNode();
    for (const auto& [name, c] : products) {
      ar.setNextName(name.c_str());
      ar.startNode();
      c.save(ar);
      ar.finishNode();
    }
    ar.finishNode();
    doc_array(ar, "top_licenses", fullest);
  }
};
Outcome<StatsDoc> stats(Session& s, std::int64_t top);

}  // namespace licet::issuer::core
