// issue --batch: every row of an orders file minted in one transaction or none, the files written
// from what was recorded only after the commit, the manifest last; a batch interrupted after its
// commit is finished (its files re-exported from the ledger) by running the same command again.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/batch/orders.hpp"
#include "core/json_doc.hpp"
#include "core/ledger.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

struct BatchRequest {
  std::string orders;  // the file's bytes
  std::string orders_name;
  Encoding encoding = Encoding::utf8;
  std::filesystem::path out_dir;
  unsigned threads = 0;  // signing threads; 0 = one per core
  // Called now and then with (rows done, rows in all) while signing.
  std::function<void(std::size_t, std::size_t)> progress;
};

struct BatchItem {
  std::int64_t row = 0;
  std::string license_key;
  std::string kind;
  std::optional<std::string> file;  // name inside out_dir, for kinds with a file
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("row", row), cereal::make_nvp("license_key", license_key),
       cereal::make_nvp("kind", kind));
    nullable(ar, "file", file);
  }
};

struct BatchResult {
  std::int64_t batch = 0;
  bool resumed = false;  // files re-exported for a batch committed earlier
  std::string out_dir;
  std::vector<BatchItem> items;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("batch", batch), cereal::make_nvp("resumed", resumed),
       cereal::make_nvp("count", static_cast<std::int64_t>(items.size())),
       cereal::make_nvp("out_dir", out_dir),
       cereal::make_nvp("manifest", (std::filesystem::path(out_dir) / "manifest.csv").string()));
    ar.setNextName("licenses");
    ar.startNode();
    ar.makeArray();
    for (const auto& i : items) {
      ar.startNode();
      i.save(ar);
      ar.finishNode();
    }
    ar.finishNode();
  }
};

// Problems in the orders are one Refused(bad_request) whose details are the
// "FILE:LINE:COL: message" lines (at most 50, then "… and N more").
Outcome<BatchResult> issue_batch(Session& s, const BatchRequest& req);

}  // namespace licet::issuer::core
