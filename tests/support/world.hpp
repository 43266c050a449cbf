// A vendor's world for tests of the issuer: one data directory made by `licet init`, one real
// `licet serve` on it, admin-API tokens per role, and the doors into the issuer as a user reaches
// them — the `licet` CLI, the admin API, batch CSV files, online activation and deactivation,
// offline request files — each returning an Attempt that tests judge alike.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "licet/common/armor.hpp"
#include "licet/common/paseto.hpp"
#include "support/app.hpp"
#include "support/http.hpp"
#include "support/server_process.hpp"
#include "support/test_device.hpp"
#include "support/vendor.hpp"

namespace licet::test {

inline constexpr const char* kProduct = "app";

// What one door answered: an exit code or an HTTP status, and the error document's members.
struct Attempt {
  bool http = false;
  int code = -1;            // exit code (CLI) or HTTP status
  std::string error;        // "error" member of the JSON error document ("" on success)
  std::string message;      // "message" member
  std::string out;          // stdout, or the HTTP body
  std::string err;          // stderr (CLI)
  rapidjson::Document doc;  // the parsed answer (an object; empty when not JSON)

  bool ok() const { return http ? code >= 200 && code < 300 : code == 0; }
};

inline std::ostream& operator<<(std::ostream& os, const Attempt& a) {
  return os << (a.http ? "HTTP " : "exit ") << a.code << " error=" << a.error
            << "\n  out: " << a.out.substr(0, 600) << "\n  err: " << a.err.substr(0, 600);
}

// The contract's mapping of refusal codes to doors (docs/OPERATIONS.md "Exit codes" and "API").
inline int expected_exit(const std::string& code) {
  if (code.empty()) return 0;
  if (code == "bad_request" || code == "needs_confirmation") return 2;
  if (code.rfind("unknown_", 0) == 0) return 4;
  return 5;  // revoked, expired, seats_full, transfer_cap, wrong_product, …
}

inline int expected_status(const std::string& code) {
  if (code.empty()) return 200;
  if (code == "bad_request" || code == "needs_confirmation") return 400;
  if (code == "invalid_token") return 401;
  if (code == "revoked" || code == "expired") return 403;
  if (code.rfind("unknown_", 0) == 0) return 404;
  return 409;
}

inline std::string json_str(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

inline std::int64_t json_int(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return -1;
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : -1;
}

inline rapidjson::Document parse_or_empty(const std::string& text) {
  rapidjson::Document d;
  if (auto p = licet::json::parse_object(text)) return std::move(*p);
  d.SetObject();
  return d;
}

// The claims of a license file (signature not checked: the app's verdict is checked separately).
inline rapidjson::Document claims_of(const std::string& file_text) {
  rapidjson::Document d;
  d.SetObject();
  auto f = armor::read(file_text);
  if (!f) return d;
  auto p = paseto::parse(f->token);
  if (!p) return d;
  return parse_or_empty(p->payload);
}

// The k4.pid in a license file's footer.
inline std::string kid_of(const std::string& file_text) {
  auto f = armor::read(file_text);
  if (!f) return {};
  auto p = paseto::parse(f->token);
  if (!p) return {};
  return json_str(parse_or_empty(p->footer), "kid");
}

struct WorldOptions {
  std::optional<int> transfer_cap;  // `licet config set transfer_cap N` before the server starts
  // Extra `licet serve` options. By default the feed is rebuilt at every request (changes made
  // with the CLI show at once) and key guessing is not rate limited.
  std::vector<std::string> serve_args = {"--feed-recheck",    "0",     "--rate-burst", "100000",
                                         "--rate-per-minute", "100000"};
};

class World {
 public:
  explicit World(const WorldOptions& o = {}) {
    if (o.transfer_cap)
      vendor.ok({"config", "set", "transfer_cap", std::to_string(*o.transfer_cap)});
    admin = vendor.api_token("admin", "admin");
    support = vendor.api_token("support", "support");
    viewer = vendor.api_token("viewer", "viewer");
    server = std::make_unique<ServerProcess>(vendor, o.serve_args);
    public_keys = {vendor.ok({"key", "export-public"}).out};
    while (!public_keys[0].empty() && public_keys[0].back() == '\n') public_keys[0].pop_back();
  }

  Vendor vendor;
  std::unique_ptr<ServerProcess> server;
  std::string admin, support, viewer;
  std::vector<std::string> public_keys;

  // ---- doors ---------------------------------------------------------------------------------
  // `licet --json ARGS`.
  Attempt cli(std::vector<std::string> args, const RunOptions* extra = nullptr) const {
    args.push_back("--json");
    return from_cli(vendor.run(args, extra));
  }
  static Attempt from_cli(RunResult r) {
    Attempt a;
    a.code = r.exit_code;
    a.out = std::move(r.out);
    a.err = std::move(r.err);
    a.doc = parse_or_empty(a.out);
    if (a.code != 0) {
      a.error = json_str(a.doc, "error");
      a.message = json_str(a.doc, "message");
    }
    return a;
  }
  Attempt http(const std::string& method, const std::string& path, const std::string& body = "",
               const std::string& token = "") const {
    auto c = server->client();
    httplib::Headers h;
    if (!token.empty()) h = bearer(token);
    httplib::Result r = method == "GET" ? c.Get(path.c_str(), h)
                                        : c.Post(path.c_str(), h, body, "application/json");
    Attempt a;
    a.http = true;
    if (!r) {
      ADD_FAILURE() << "no answer to " << method << " " << path;
      return a;
    }
    a.code = r->status;
    a.out = r->body;
    a.doc = parse_or_empty(a.out);
    if (!a.ok()) {
      a.error = json_str(a.doc, "error");
      a.message = json_str(a.doc, "message");
    }
    return a;
  }
  Attempt admin_post(const std::string& key, const std::string& action,
                     const std::string& body) const {
    return http("POST", "/v1/admin/licenses/" + key + "/" + action, body, support_or_admin(action));
  }
  Attempt activate_online(const std::string& body) const {
    return http("POST", "/v1/activate", body);
  }
  Attempt deactivate_online(const std::string& token) const {
    return http("POST", "/v1/deactivate", TestDevice::deactivation_body(token));
  }
  // `licet activation respond FILE` on a request file with `text`.
  Attempt respond(const std::string& text) const {
    const auto req = write("request-" + std::to_string(++files_) + ".json", text);
    return cli({"activation", "respond", req, "--out",
                vendor.path("machine-" + std::to_string(files_) + ".lic").string()});
  }
  Attempt deactivate_offline(const std::string& text) const {
    return cli(
        {"activation", "deactivate", write("deact-" + std::to_string(++files_) + ".json", text)});
  }
  // `licet issue --batch` of an orders file with `csv`, into a fresh directory.
  Attempt batch(const std::string& csv, std::vector<std::string> extra = {}) const {
    const auto orders = write("orders-" + std::to_string(++files_) + ".csv", csv);
    std::vector<std::string> args = {"issue", "--batch", orders, "--out-dir",
                                     vendor.path("batch-" + std::to_string(files_)).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = vendor.path(name);
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string origin() const { return server->url(); }

  // ---- arranging ---------------------------------------------------------------------------
  TestDevice& device(const std::string& tag) {
    devices_.push_back(std::make_unique<TestDevice>(tag + "-" + std::to_string(devices_.size())));
    return *devices_.back();
  }
  std::string issue(std::vector<std::string> args) const {
    std::vector<std::string> all = {"issue", "--product", kProduct, "--customer",
                                    "contract@example.com"};
    all.insert(all.end(), args.begin(), args.end());
    return json_str(vendor.json(all), "license_key");
  }
  std::string activation(int seats, std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), {"--seats", std::to_string(seats)});
    return issue(extra);
  }
  std::string node_locked(const std::vector<std::string>& ids, int seats,
                          std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), {"--seats", std::to_string(seats)});
    for (const auto& d : ids) extra.insert(extra.end(), {"--device", d});
    extra.insert(extra.end(), {"--out", vendor.path("nl-" + std::to_string(++files_) + ".lic")});
    return issue(extra);
  }
  std::string unlocked(int seats, std::vector<std::string> extra = {}) const {
    extra.insert(extra.begin(), {"--seats", std::to_string(seats), "--unlocked", "--out",
                                 vendor.path("ul-" + std::to_string(++files_) + ".lic")});
    return issue(extra);
  }
  // Issued ten days ago for one day: expired now.
  std::string expired(std::vector<std::string> extra) const {
    std::vector<std::string> args = {
        "--json", "issue", "--product", kProduct, "--customer", "late@example.com", "--days", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return json_str(parse_or_empty(vendor.ok_at("-10d", args).out), "license_key");
  }
  // A device takes a seat of `key` online; returns its machine file.
  std::string activated(const std::string& key, const TestDevice& d) const {
    auto a = activate_online(d.activation_body(key, kProduct));
    EXPECT_EQ(a.code, 200) << a;
    return json_str(a.doc, "license");
  }
  void revoke(const std::string& key) const { vendor.ok({"revoke", key, "--reason", "test"}); }

  // ---- reading the ledger --------------------------------------------------------------------
  rapidjson::Document show(const std::string& key) const { return vendor.json({"show", key}); }
  // What a refused change must leave alone, as one comparable line.
  std::string fingerprint(const std::string& key) const {
    const auto d = show(key);
    std::string out = json_str(d, "status") + " kind=" + json_str(d, "kind") +
                      " seats=" + std::to_string(json_int(d, "seats")) +
                      " bound=" + std::to_string(json_int(d, "seats_bound")) +
                      " rev=" + std::to_string(json_int(d, "revision")) +
                      " superseded_below=" + std::to_string(json_int(d, "superseded_below")) +
                      " expires=" + json_str(d, "expires");
    const auto& ev = d["events"];
    out += " events=" + std::to_string(ev.IsArray() ? ev.Size() : 0);
    const auto& revs = d["revisions"];
    out += " files=" + std::to_string(revs.IsArray() ? revs.Size() : 0);
    std::string bound;
    for (const auto& dev : d["devices"].GetArray()) {
      if (json_str(dev, "unbound_at").empty()) bound += " " + json_str(dev, "device_id");
    }
    return out + " devices=[" + bound + " ]";
  }
  // The whole ledger's size: licenses, and the newest audit entry.
  std::string ledger_fingerprint() const {
    const auto list = vendor.json({"list", "--limit", "1"});
    const auto audit = vendor.json({"audit", "--limit", "1"});
    std::int64_t head = 0;
    if (audit["events"].IsArray() && !audit["events"].Empty())
      head = json_int(audit["events"][0], "id");
    return "licenses=" + std::to_string(json_int(list, "total")) +
           " audit_head=" + std::to_string(head);
  }
  std::string feed() const {
    auto c = server->client();
    auto r = c.Get("/v1/revocations");
    EXPECT_TRUE(r && r->status == 200);
    return r ? r->body : std::string();
  }
  TestApp app() const { return TestApp(public_keys, kProduct); }
  std::filesystem::path backups_dir() const { return vendor.data_dir() / "backups"; }

 private:
  std::string support_or_admin(const std::string& action) const {
    return action == "revoke" || action == "reinstate" ? admin : support;
  }
  std::deque<std::unique_ptr<TestDevice>> devices_;
  mutable int files_ = 0;
};

}  // namespace licet::test
