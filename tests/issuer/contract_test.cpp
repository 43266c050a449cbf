// The issuer's rules through every door, from one table: each row is a rule (what must be
// refused, or what a change must do), each column a door a user reaches the issuer through — the
// `licet` CLI, the admin API, a batch CSV file, online activation and deactivation, offline
// request files. One driver runs every cell against a real ledger and a real `licet serve`, checks
// the refusal code and the door's exit code or HTTP status, and that a refused change left the
// ledger as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "licet/common/license_key.hpp"
#include "licet/common/time.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

// A JSON string literal (escaped by RapidJSON) for hand-written bodies.
std::string jstr(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return buf.GetString();
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// What a row works on: the licenses it arranged, their devices and the files customers hold.
struct Subject {
  std::string key;    // the license the row is about
  std::string other;  // a second license, for doors that need another kind
  std::vector<TestDevice*> devices;
  std::string file;        // a file the customer of `key` holds
  std::string other_file;  // … of `other`
  std::string extra;       // row-specific text (an unknown key, a typo, a device ID)
};

using Arrange = std::function<Subject(World&)>;
using Try = std::function<Attempt(World&, Subject&)>;
using Then = std::function<void(World&, Subject&, const Attempt&)>;

struct Door {
  Door(std::string n, Try a, Then t = nullptr, std::optional<std::string> c = std::nullopt)
      : name(std::move(n)), attempt(std::move(a)), then(std::move(t)), code(std::move(c)) {}
  std::string name;
  Try attempt;
  Then then;
  std::optional<std::string> code;  // when this door answers another code than the row's
};

struct Rule {
  Rule(std::string n, std::string c, Arrange a)
      : name(std::move(n)), code(std::move(c)), arrange(std::move(a)) {}
  std::string name;
  std::string code;  // the refusal every door gives; "" = every door makes the change
  Arrange arrange;
  std::vector<Door> doors;
  Then then = nullptr;  // checked after every door
};

// ---- arrangements shared by rows -----------------------------------------------------------

// An activation license with `n` devices activated online (device keys), and a node-locked one
// with `n` vendor-bound devices; `n + 1` seats each.
Subject two_kinds_with_devices(World& w, int n, const std::string& tag) {
  Subject s;
  s.key = w.activation(n + 1);
  for (int i = 0; i < n; ++i) {
    auto& d = w.device(tag);
    w.activated(s.key, d);
    s.devices.push_back(&d);
  }
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(tag + "-nl-" + std::to_string(i));
  s.other = w.node_locked(ids, n + 1);
  return s;
}

// Both licenses of two_kinds_with_devices(…, 3) after one removal each: the transfer cap (1 per
// window in this world) is reached.
Subject at_transfer_cap(World& w) {
  Subject s = two_kinds_with_devices(w, 3, "cap");
  w.vendor.ok({"devices", "remove", s.key, s.devices[0]->id()});
  w.vendor.ok({"reissue", s.other, "--remove-device", "cap-nl-0", "--out",
               w.vendor.path("swap.lic").string()});
  return s;
}

std::string file_of(const Attempt& a) {
  const std::string f = json_str(a.doc, "license_file");
  return f.empty() ? json_str(a.doc, "license") : f;
}

// ---- the rows ------------------------------------------------------------------------------

std::vector<Rule> revoked_rules() {
  Rule r{"RevokedLicense", "revoked", [](World& w) {
           Subject s = two_kinds_with_devices(w, 1, "rv");
           w.revoke(s.key);
           w.revoke(s.other);
           return s;
         }};
  r.doors = {
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.key, "4"});
       }},
      {"CliExtend",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.key, "--expires", "2099-01-01"});
       }},
      {"CliReissue",
       [](World& w, Subject& s) {
         return w.cli({"reissue", s.other, "--add-device", "rv-new", "--out",
                       w.vendor.path("rv.lic").string()});
       }},
      {"CliDevicesRemove",
       [](World& w, Subject& s) {
         return w.cli({"devices", "remove", s.key, s.devices[0]->id()});
       }},
      {"CliDevicesRemoveNodeLocked",
       [](World& w, Subject& s) {
         return w.cli({"devices", "remove", s.other, "rv-nl-0"});
       }},
      {"HttpSeats",
       [](World& w, Subject& s) { return w.admin_post(s.key, "seats", R"({"seats":4})"); }},
      {"HttpExtend",
       [](World& w, Subject& s) {
         return w.admin_post(s.key, "extend", R"({"expires":"2099-01-01"})");
       }},
      {"HttpReissue",
       [](World& w, Subject& s) {
         return w.admin_post(s.other, "reissue", R"({"add_devices":["rv-new"]})");
       }},
      {"HttpDevicesRemove",
       [](World& w, Subject& s) {
         return w.admin_post(s.key, "devices/remove",
                             "{\"device_id\":" + jstr(s.devices[0]->id()) + "}");
       }},
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("rv").activation_body(s.key, kProduct));
       }},
      {"OnlineActivateBoundDevice",
       [](World& w, Subject& s) {
         return w.activate_online(s.devices[0]->activation_body(s.key, kProduct));
       }},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("rv").activation_request(s.key, kProduct, kProduct));
       }},
  };
  return {r};
}

std::vector<Rule> seat_rules() {
  // Reducing seats voids the files that grant more: superseded at once in the served feed.
  auto superseded = [](World& w, Subject& s, const Attempt& a) {
    const auto d = w.show(s.key);
    EXPECT_EQ(json_int(d, "seats"), 2);
    EXPECT_EQ(json_int(d, "superseded_below"), json_int(d, "revision"));
    const auto feed = w.feed();
    const auto app = w.app();
    const auto old_verdict = app.verify(s.file, "sr-dev-0", feed);
    EXPECT_EQ(old_verdict.code, ErrorCode::superseded) << describe(old_verdict);
    const std::string fresh = file_of(a);
    ASSERT_FALSE(fresh.empty()) << a;
    const auto new_verdict = app.verify(fresh, "sr-dev-0", feed);
    EXPECT_TRUE(new_verdict.ok()) << describe(new_verdict);
    EXPECT_EQ(json_int(claims_of(fresh), "seats"), 2);
  };
  Rule unlocked{"SeatReductionSupersedesUnlocked", "", [](World& w) {
                  Subject s;
                  const auto d = w.vendor.json({"issue", "--product", kProduct, "--customer",
                                                "sr@example.com", "--seats", "3", "--unlocked",
                                                "--out", w.vendor.path("sr.lic").string()});
                  s.key = json_str(d, "license_key");
                  s.file = json_str(d, "license_file");
                  return s;
                }};
  unlocked.doors = {
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.key, "2"});
       }},
      {"HttpSeats",
       [](World& w, Subject& s) { return w.admin_post(s.key, "seats", R"({"seats":2})"); }},
  };
  unlocked.then = superseded;
  Rule node_locked = unlocked;
  node_locked.name = "SeatReductionSupersedesNodeLocked";
  node_locked.arrange = [](World& w) {
    Subject s;
    const auto d = w.vendor.json({"issue", "--product", kProduct, "--customer", "sr@example.com",
                                  "--seats", "3", "--device", "sr-dev-0", "--device", "sr-dev-1",
                                  "--out", w.vendor.path("sr.lic").string()});
    s.key = json_str(d, "license_key");
    s.file = json_str(d, "license_file");
    return s;
  };
  Rule more = unlocked;
  more.name = "SeatIncreaseKeepsOlderFiles";
  more.doors = {
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.key, "5"});
       }},
      {"HttpSeats",
       [](World& w, Subject& s) { return w.admin_post(s.key, "seats", R"({"seats":5})"); }},
  };
  more.then = [](World& w, Subject& s, const Attempt&) {
    const auto d = w.show(s.key);
    EXPECT_EQ(json_int(d, "seats"), 5);
    EXPECT_EQ(json_int(d, "superseded_below"), 0);
    const auto v = w.app().verify(s.file, "", w.feed());
    EXPECT_TRUE(v.ok()) << describe(v);
  };
  return {unlocked, node_locked, more};
}

std::vector<Rule> backup_rules() {
  Rule r{"AutomaticBackupFirst", "", [](World& w) {
           Subject s;
           s.key = w.unlocked(3);
           return s;
         }};
  r.doors = {
      {"CliRevoke",
       [](World& w, Subject& s) {
         return w.cli({"revoke", s.key});
       }},
      {"HttpRevoke", [](World& w, Subject& s) { return w.admin_post(s.key, "revoke", ""); }},
      {"CliSeatReduction",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.key, "1"});
       }},
      {"HttpSeatReduction",
       [](World& w, Subject& s) { return w.admin_post(s.key, "seats", R"({"seats":1})"); }},
  };
  // The backup is a ledger from before the change: restored elsewhere, it shows the old terms.
  r.then = [](World& w, Subject& s, const Attempt& a) {
    const std::string backup = json_str(a.doc, "backup");
    ASSERT_FALSE(backup.empty()) << a;
    EXPECT_EQ(fs::path(backup).parent_path(), w.backups_dir());
    ASSERT_TRUE(fs::is_regular_file(backup)) << backup;
    Vendor scratch("scratch");
    scratch.ok({"restore", backup});
    const auto d = scratch.json({"show", s.key});
    EXPECT_EQ(json_str(d, "status"), "active");
    EXPECT_EQ(json_int(d, "seats"), 3);
  };
  return {r};
}

std::vector<Rule> transfer_cap_rules() {
  Rule cap{"TransferCap", "transfer_cap", at_transfer_cap};
  cap.doors = {
      {"CliDevicesRemove",
       [](World& w, Subject& s) {
         return w.cli({"devices", "remove", s.key, s.devices[1]->id()});
       }},
      {"CliDevicesRemoveNodeLocked",
       [](World& w, Subject& s) {
         return w.cli({"devices", "remove", s.other, "cap-nl-1"});
       }},
      {"CliReissueRemoveDevice",
       [](World& w, Subject& s) {
         return w.cli({"reissue", s.other, "--remove-device", "cap-nl-1", "--out",
                       w.vendor.path("cap.lic").string()});
       }},
      {"HttpDevicesRemove",
       [](World& w, Subject& s) {
         return w.admin_post(s.key, "devices/remove",
                             "{\"device_id\":" + jstr(s.devices[1]->id()) + "}");
       }},
      {"HttpReissueRemoveDevice",
       [](World& w, Subject& s) {
         return w.admin_post(s.other, "reissue", R"({"remove_devices":["cap-nl-1"]})");
       }},
      {"OnlineDeactivate",
       [](World& w, Subject& s) {
         return w.deactivate_online(s.devices[1]->request_token(s.key, w.origin()));
       }},
      {"OfflineDeactivate",
       [](World& w, Subject& s) {
         return w.deactivate_offline(s.devices[1]->deactivation_request(s.key));
       }},
  };

  Rule forced{"TransferCapSupportOverrides", "", at_transfer_cap};
  const std::string reason = "laptop stolen, ticket 4711";
  auto audited = [reason](const std::string& key) {
    return [reason, key](World& w, Subject& s, const Attempt&) {
      const std::string k = key == "key" ? s.key : s.other;
      const auto d = w.vendor.json({"audit", "--license", k, "--limit", "1"});
      ASSERT_TRUE(d["events"].IsArray() && d["events"].Size() == 1u);
      const auto& after = d["events"][0]["after"];
      EXPECT_EQ(json_str(after, "forced"), "true") << w.vendor.ok({"audit", "--license", k}).out;
      EXPECT_EQ(json_str(after, "reason"), reason);
      EXPECT_EQ(json_int(w.show(k), "seats_bound"), 1);
    };
  };
  forced.doors = {
      {"CliDevicesRemove",
       [reason](World& w, Subject& s) {
         return w.cli(
             {"devices", "remove", s.key, s.devices[1]->id(), "--force", "--reason", reason});
       },
       audited("key")},
      {"CliReissueRemoveDevice",
       [reason](World& w, Subject& s) {
         return w.cli({"reissue", s.other, "--remove-device", "cap-nl-1", "--force", "--reason",
                       reason, "--out", w.vendor.path("forced.lic").string()});
       },
       audited("other")},
      {"HttpDevicesRemove",
       [reason](World& w, Subject& s) {
         return w.admin_post(s.key, "devices/remove",
                             "{\"device_id\":" + jstr(s.devices[1]->id()) +
                                 ",\"force\":true,\"reason\":" + jstr(reason) + "}");
       },
       audited("key")},
      {"HttpReissueRemoveDevice",
       [reason](World& w, Subject& s) {
         return w.admin_post(
             s.other, "reissue",
             R"({"remove_devices":["cap-nl-1"],"force":true,"reason":)" + jstr(reason) + "}");
       },
       audited("other")},
  };

  Rule no_reason{"TransferCapForceNeedsAReason", "bad_request", at_transfer_cap};
  no_reason.doors = {
      {"CliDevicesRemove",
       [](World& w, Subject& s) {
         return w.cli({"devices", "remove", s.key, s.devices[1]->id(), "--force"});
       }},
      {"HttpDevicesRemove",
       [](World& w, Subject& s) {
         return w.admin_post(s.key, "devices/remove",
                             "{\"device_id\":" + jstr(s.devices[1]->id()) + ",\"force\":true}");
       }},
  };

  // A device acting for itself has no override: only support may exceed the cap.
  Rule devices_cannot{"TransferCapDevicesCannotForce", "bad_request", at_transfer_cap};
  devices_cannot.doors = {
      {"OnlineDeactivate",
       [](World& w, Subject& s) {
         return w.http(
             "POST", "/v1/deactivate",
             "{\"request_token\":" + jstr(s.devices[1]->request_token(s.key, w.origin())) +
                 ",\"force\":true,\"reason\":\"please\"}");
       }},
      {"OfflineDeactivate",
       [](World& w, Subject& s) {
         std::string req = s.devices[1]->deactivation_request(s.key);
         req.insert(req.size() - 1, ",\"force\":true,\"reason\":\"please\"");
         return w.deactivate_offline(req);
       }},
  };
  return {cap, forced, no_reason, devices_cannot};
}

std::string latin1_customer(int n) {
  return "M\xfcller GmbH " + std::to_string(n);
}

std::vector<Rule> utf8_rules() {
  Rule r{"NotUtf8", "bad_request", [](World& w) {
           Subject s;
           s.key = w.activation(2);
           return s;
         }};
  r.doors = {
      {"CliIssueCustomer",
       [](World& w, Subject&) {
         return w.cli(
             {"issue", "--product", kProduct, "--customer", latin1_customer(1), "--seats", "1"});
       }},
      {"CliIssueMeta",
       [](World& w, Subject&) {
         return w.cli({"issue", "--product", kProduct, "--customer", "x@example.com", "--seats",
                       "1", "--meta", "buyer=M\xfcller"});
       }},
      {"CliIssueFeature",
       [](World& w, Subject&) {
         return w.cli({"issue", "--product", kProduct, "--customer", "x@example.com", "--seats",
                       "1", "--feature", "pro\xff"});
       }},
      {"CliRevokeReason",
       [](World& w, Subject& s) {
         return w.cli({"revoke", s.key, "--reason", "d\xe9j\xe0"});
       }},
      {"CsvCustomer",
       [](World& w, Subject&) {
         return w.batch("product,customer,seats\n" + std::string(kProduct) + "," +
                        latin1_customer(2) + ",1\n");
       },
       [](World&, Subject&, const Attempt& a) {
         // The problem names the file, line 2, column 2.
         EXPECT_NE(a.out.find(".csv:2:2: customer is not valid UTF-8"), std::string::npos) << a;
       }},
      {"HttpIssueBody",
       [](World& w, Subject&) {
         return w.http("POST", "/v1/admin/licenses",
                       R"({"product":"app","customer":")" + latin1_customer(3) + R"(","seats":1})",
                       w.admin);
       }},
      {"HttpIssueEscapedSurrogate",
       [](World& w, Subject&) {
         return w.http("POST", "/v1/admin/licenses",
                       R"({"product":"app","customer":"M\udcfcller","seats":1})", w.admin);
       }},
      {"OnlineActivateDeviceName",
       [](World& w, Subject& s) {
         std::string body = w.device("u8").activation_body(s.key, kProduct);
         body.insert(body.size() - 1, ",\"device_name\":\"Caf\xe9 PC\"");
         return w.activate_online(body);
       }},
      {"OfflineActivationRequest",
       [](World& w, Subject& s) {
         // json_object writes valid UTF-8: patch a Latin-1 byte into the request file.
         std::string req = w.device("u8").activation_request(s.key, kProduct, kProduct,
                                                             {{"device_name", "Caf_ PC"}});
         req[req.find("Caf_") + 3] = '\xe9';
         return w.respond(req);
       }},
  };

  Rule converted{"Latin1OrdersConverted", "", [](World&) { return Subject{}; }};
  converted.doors = {
      {"CsvLatin1",
       [](World& w, Subject&) {
         return w.batch(
             "product,customer,seats\n" + std::string(kProduct) + "," + latin1_customer(4) + ",1\n",
             {"--encoding", "latin1"});
       },
       [](World& w, Subject&, const Attempt&) {
         const auto d = w.vendor.json({"list", "--customer", "m\xc3\xbcller gmbh 4"});
         ASSERT_EQ(json_int(d, "total"), 1);
         EXPECT_EQ(json_str(d["licenses"][0], "customer"), "M\xc3\xbcller GmbH 4");
       }},
      {"CsvCp1252",
       [](World& w, Subject&) {
         return w.batch("product,customer,seats\n" + std::string(kProduct) + ",Caf\xe9 \x80 5,1\n",
                        {"--encoding", "cp1252"});
       },
       [](World& w, Subject&, const Attempt&) {
         const auto d = w.vendor.json({"list", "--customer", "caf\xc3\xa9 \xe2\x82\xac 5"});
         EXPECT_EQ(json_int(d, "total"), 1);
       }},
  };
  return {r, converted};
}

// One row per kind of device ID: the issuer binds exactly the IDs an application can present.
std::vector<Rule> device_id_rules() {
  struct Case {
    std::string name;
    std::string id;
    bool valid;
    bool in_csv;  // ';' separates devices in a CSV cell: such an ID is two devices there
  };
  const std::vector<Case> cases = {
      {"Longest", std::string(128, 'x'), true, true},
      {"Punctuation", "!#$%&'()*+-./:<=>?@[\\]^_`{|}~09AZaz", true, true},
      {"LicetFormat", "ld1.rRBx2kqIgdKvAWY1.-.-pcdNIyhbpKFoCGF", true, true},
      {"TooLong", std::string(129, 'x'), false, true},
      {"Empty", "", false, false},
      {"Quote", "dev\"1", false, true},
      {"Semicolon", "dev;1", false, false},
      {"Comma", "dev,1", false, true},
      {"Space", "dev 1", false, true},
      {"NonAscii", "d\xc3\xa9v", false, true},
      {"ControlCharacter", "dev\x01", false, true},
      {"Delete", "dev\x7f", false, true},
  };
  std::vector<Rule> rows;
  for (const auto& c : cases) {
    Rule r{"DeviceId" + c.name, c.valid ? "" : "bad_request", [c](World& w) {
             Subject s;
             s.key = w.activation(2);
             s.other = w.node_locked({"did-first"}, 3);
             s.extra = c.id;
             return s;
           }};
    const std::string& id = c.id;
    r.doors = {
        {"CliIssueDevice",
         [id](World& w, Subject&) {
           return w.cli({"issue", "--product", kProduct, "--customer", "d@example.com", "--seats",
                         "1", "--device", id, "--out", w.vendor.path("did.lic").string()});
         }},
        {"CliReissueAddDevice",
         [id](World& w, Subject& s) {
           return w.cli({"reissue", s.other, "--add-device", id, "--out",
                         w.vendor.path("did2.lic").string()});
         }},
        {"HttpIssueDevices",
         [id](World& w, Subject&) {
           return w.http("POST", "/v1/admin/licenses",
                         R"({"product":"app","customer":"d@example.com","seats":1,"devices":[)" +
                             jstr(id) + "]}",
                         w.admin);
         }},
        {"HttpReissueAddDevices",
         [id](World& w, Subject& s) {
           return w.admin_post(s.other, "reissue", "{\"add_devices\":[" + jstr(id) + "]}");
         }},
        {"OnlineActivate",
         [id](World& w, Subject& s) {
           TestDevice d(id);
           return w.activate_online(d.activation_body(s.key, kProduct));
         }},
        {"OfflineActivate",
         [id](World& w, Subject& s) {
           TestDevice d(id);
           return w.respond(d.activation_request(s.key, kProduct, kProduct));
         }},
    };
    if (c.in_csv) {
      r.doors.push_back({"CsvDevices", [id](World& w, Subject&) {
                           std::string cell = id;
                           if (cell.find_first_of(",\"") != std::string::npos) {
                             std::string q = "\"";
                             for (char ch : cell)
                               q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
                             cell = q + "\"";
                           }
                           return w.batch("product,customer,seats,devices\n" +
                                          std::string(kProduct) + ",d@example.com,1," + cell +
                                          "\n");
                         }});
    }
    if (c.valid) {
      // The file the door produced verifies for an app presenting that very ID.
      r.then = [](World& w, Subject& s, const Attempt& a) {
        std::string file = file_of(a);
        if (file.empty() && a.doc.HasMember("licenses")) {  // a batch: the file in its out-dir
          const auto& item = a.doc["licenses"][0];
          file = read_text(fs::path(json_str(a.doc, "out_dir")) / json_str(item, "file"));
        }
        ASSERT_FALSE(file.empty()) << a;
        const auto v = w.app().verify(file, s.extra);
        EXPECT_TRUE(v.ok()) << describe(v);
      };
    } else {
      // An app could not present it either: the verifier refuses that ID as the device.
      r.then = [](World& w, Subject& s, const Attempt&) {
        const auto file =
            w.vendor.json({"export", s.other, "--out", w.vendor.path("did-export.lic").string()});
        const auto v = w.app().verify(json_str(file, "license_file"), s.extra);
        EXPECT_FALSE(v.ok()) << "the verifier accepts device ID \"" << s.extra << "\"";
      };
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<Rule> sync_rules() {
  const std::string url = "https://licenses.example.com/feed";
  Rule r{"SyncUrlAndMaxAgeGoTogether", "bad_request", [](World&) { return Subject{}; }};
  auto cli_issue = [](std::vector<std::string> extra) {
    return [extra](World& w, Subject&) {
      std::vector<std::string> args = {"issue",         "--product", kProduct, "--customer",
                                       "s@example.com", "--seats",   "1"};
      args.insert(args.end(), extra.begin(), extra.end());
      return w.cli(args);
    };
  };
  r.doors = {
      {"CliUrlOnly", cli_issue({"--sync-url", url})},
      {"CliMaxAgeOnly", cli_issue({"--sync-max-age", "1d"})},
      {"CsvUrlOnly",
       [url](World& w, Subject&) {
         return w.batch("product,customer,seats,sync_url\napp,s@example.com,1," + url + "\n");
       }},
      {"CsvMaxAgeOnly",
       [](World& w, Subject&) {
         return w.batch("product,customer,seats,sync_max_age\napp,s@example.com,1,86400\n");
       }},
      {"CsvUrlWithEmptyMaxAge",
       [url](World& w, Subject&) {
         return w.batch("product,customer,seats,sync_url,sync_max_age\napp,s@example.com,1," + url +
                        ",\n");
       }},
      {"HttpUrlOnly",
       [url](World& w, Subject&) {
         return w.http("POST", "/v1/admin/licenses",
                       R"({"product":"app","customer":"s@example.com","seats":1,"sync_url":)" +
                           jstr(url) + "}",
                       w.admin);
       }},
      {"HttpMaxAgeOnly",
       [](World& w, Subject&) {
         return w.http(
             "POST", "/v1/admin/licenses",
             R"({"product":"app","customer":"s@example.com","seats":1,"sync_max_age":"1d"})",
             w.admin);
       }},
  };
  return {r};
}

std::vector<Rule> extend_rules() {
  auto perpetual = [](World& w) {
    Subject s;
    s.key = w.unlocked(2);
    s.other = w.activation(2);
    return s;
  };
  Rule confirm{"ExtendPerpetualNeedsExpiresOrFromToday", "needs_confirmation", perpetual};
  confirm.doors = {
      {"CliDays",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.key, "--days", "30"});
       }},
      {"CliDaysActivation",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.other, "--days", "30"});
       }},
      {"HttpDays",
       [](World& w, Subject& s) { return w.admin_post(s.key, "extend", R"({"days":30})"); }},
  };
  confirm.then = [](World&, Subject&, const Attempt& a) {
    EXPECT_NE(a.message.find("perpetual"), std::string::npos) << a;
    EXPECT_NE(a.message.find("from-today"), std::string::npos) << a;
  };

  Rule ok{"ExtendPerpetualWhenAskedPlainly", "", perpetual};
  ok.doors = {
      {"CliDaysFromToday",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.key, "--days", "30", "--from-today"});
       }},
      {"HttpDaysFromToday",
       [](World& w, Subject& s) {
         return w.admin_post(s.key, "extend", R"({"days":30,"from_today":true})");
       }},
      {"CliExpires",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.key, "--expires", format_rfc3339(system_now() + 30 * 86400)});
       }},
  };
  ok.then = [](World& w, Subject& s, const Attempt& a) {
    const auto t = parse_rfc3339(json_str(w.show(s.key), "expires"));
    ASSERT_TRUE(t.has_value()) << a;
    EXPECT_NEAR(static_cast<double>(*t), static_cast<double>(system_now() + 30 * 86400), 120.0);
    // The new file carries the expiry.
    EXPECT_EQ(json_str(claims_of(file_of(a)), "exp"), json_str(w.show(s.key), "expires"));
  };

  Rule revive{"ExtendRevivesAnExpiredLicense", "", [](World& w) {
                Subject s;
                s.key = w.expired({"--seats", "1", "--device", "ex-1", "--out",
                                   w.vendor.path("ex.lic").string()});
                return s;
              }};
  revive.doors = {
      {"CliDays",
       [](World& w, Subject& s) {
         return w.cli({"extend", s.key, "--days", "30"});
       }},
      {"HttpDays",
       [](World& w, Subject& s) { return w.admin_post(s.key, "extend", R"({"days":30})"); }},
  };
  revive.then = [](World& w, Subject& s, const Attempt& a) {
    EXPECT_EQ(json_str(w.show(s.key), "status"), "active");
    const auto v = w.app().verify(file_of(a), "ex-1", w.feed());
    EXPECT_TRUE(v.ok()) << describe(v);
  };
  return {confirm, ok, revive};
}

std::vector<Rule> activation_rules() {
  Rule wrong{"WrongProductBeforeBinding", "wrong_product", [](World& w) {
               Subject s;
               s.key = w.activation(2);
               return s;
             }};
  wrong.doors = {
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("wp").activation_body(s.key, "other-product"));
       }},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("wp").activation_request(s.key, "other-product", "other-app"));
       }},
  };
  wrong.then = [](World& w, Subject& s, const Attempt&) {
    EXPECT_EQ(w.show(s.key)["devices"].Size(), 0u);
  };

  Rule full{"SeatsFull", "seats_full", [](World& w) {
              Subject s;
              s.key = w.activation(1);
              auto& d = w.device("sf");
              w.activated(s.key, d);
              s.devices.push_back(&d);
              s.other = w.node_locked({"sf-nl-0"}, 1);
              return s;
            }};
  full.doors = {
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("sf").activation_body(s.key, kProduct));
       },
       [](World&, Subject& s, const Attempt& a) {
         // A stranger with the key learns nothing about the customer's devices.
         EXPECT_EQ(a.out.find(s.devices[0]->id()), std::string::npos) << a;
       }},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("sf").activation_request(s.key, kProduct, kProduct));
       },
       [](World&, Subject& s, const Attempt& a) {
         // The vendor is told which devices hold the seats.
         EXPECT_NE(a.message.find(s.devices[0]->id()), std::string::npos) << a;
       }},
      {"CliReissueAddDevice",
       [](World& w, Subject& s) {
         return w.cli({"reissue", s.other, "--add-device", "sf-nl-1", "--out",
                       w.vendor.path("sf.lic").string()});
       }},
      {"HttpReissueAddDevices",
       [](World& w, Subject& s) {
         return w.admin_post(s.other, "reissue", R"({"add_devices":["sf-nl-1"]})");
       }},
  };

  Rule expired{"ExpiredLicense", "expired", [](World& w) {
                 Subject s;
                 s.key = w.expired({"--seats", "2"});
                 s.other = w.expired({"--seats", "2", "--device", "xp-0", "--out",
                                      w.vendor.path("xp.lic").string()});
                 return s;
               }};
  expired.doors = {
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("xp").activation_body(s.key, kProduct));
       }},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("xp").activation_request(s.key, kProduct, kProduct));
       }},
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.key, "3"});
       }},
      {"HttpSeats",
       [](World& w, Subject& s) { return w.admin_post(s.key, "seats", R"({"seats":3})"); }},
      {"CliReissueAddDevice",
       [](World& w, Subject& s) {
         return w.cli({"reissue", s.other, "--add-device", "xp-1", "--out",
                       w.vendor.path("xp2.lic").string()});
       }},
      {"HttpReissueAddDevices",
       [](World& w, Subject& s) {
         return w.admin_post(s.other, "reissue", R"({"add_devices":["xp-1"]})");
       }},
  };
  return {wrong, full, expired};
}

std::vector<Rule> unknown_key_rules() {
  Rule unknown{"UnknownLicenseKey", "unknown_license", [](World& w) {
                 Subject s;
                 s.key = w.activation(1);
                 s.extra = license_key::generate("APP");  // well-formed, in no ledger
                 return s;
               }};
  unknown.doors = {
      {"CliShow",
       [](World& w, Subject& s) {
         return w.cli({"show", s.extra});
       }},
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.extra, "2"});
       }},
      {"HttpShow",
       [](World& w, Subject& s) {
         return w.http("GET", "/v1/admin/licenses/" + s.extra, "", w.viewer);
       }},
      {"HttpSeats",
       [](World& w, Subject& s) { return w.admin_post(s.extra, "seats", R"({"seats":2})"); }},
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("uk").activation_body(s.extra, kProduct));
       }},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("uk").activation_request(s.extra, kProduct, kProduct));
       }},
  };

  // A typo (the check character fails): the vendor's CLI suggests the key meant; answers to the
  // network never name a neighbour, which would help someone guessing keys.
  Rule typo{"MistypedLicenseKey", "unknown_license", [](World& w) {
              Subject s;
              s.key = w.activation(1);
              const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
              const auto first_group = s.key.find('-') + 1;
              for (char c : alphabet) {
                std::string t = s.key;
                if (t[first_group] == c) continue;
                t[first_group] = c;
                if (!license_key::normalize(t)) {
                  s.extra = t;
                  break;
                }
              }
              EXPECT_FALSE(s.extra.empty());
              return s;
            }};
  auto suggests = [](World&, Subject& s, const Attempt& a) {
    EXPECT_NE(a.message.find("did you mean " + s.key), std::string::npos) << a;
  };
  auto silent = [](World&, Subject& s, const Attempt& a) {
    EXPECT_EQ(a.out.find(s.key), std::string::npos) << a;
    EXPECT_EQ(a.out.find("did you mean"), std::string::npos) << a;
  };
  typo.doors = {
      {"CliShow",
       [](World& w, Subject& s) {
         return w.cli({"show", s.extra});
       },
       suggests},
      {"CliSeats",
       [](World& w, Subject& s) {
         return w.cli({"seats", s.extra, "2"});
       },
       suggests},
      {"OfflineActivate",
       [](World& w, Subject& s) {
         return w.respond(w.device("ty").activation_request(s.extra, kProduct, kProduct));
       },
       suggests},
      {"OnlineActivate",
       [](World& w, Subject& s) {
         return w.activate_online(w.device("ty").activation_body(s.extra, kProduct));
       },
       silent, "bad_request"},
      {"HttpShow",
       [](World& w, Subject& s) {
         return w.http("GET", "/v1/admin/licenses/" + s.extra, "", w.viewer);
       },
       silent, "bad_request"},
  };
  return {unknown, typo};
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> all = [] {
    std::vector<Rule> out;
    for (auto part : {revoked_rules(), seat_rules(), backup_rules(), transfer_cap_rules(),
                      utf8_rules(), device_id_rules(), sync_rules(), extend_rules(),
                      activation_rules(), unknown_key_rules()}) {
      out.insert(out.end(), part.begin(), part.end());
    }
    return out;
  }();
  return all;
}

struct CellIndex {
  std::size_t rule;
  std::size_t door;
};

std::vector<CellIndex> cells() {
  std::vector<CellIndex> out;
  for (std::size_t r = 0; r < rules().size(); ++r) {
    for (std::size_t d = 0; d < rules()[r].doors.size(); ++d) out.push_back({r, d});
  }
  return out;
}

// ---- the driver ----------------------------------------------------------------------------

class Contract : public ::testing::TestWithParam<CellIndex> {
 protected:
  // Every cell removes devices of its own licenses; a cap of one removal per window makes the
  // cap reachable in one step.
  static void SetUpTestSuite() {
    WorldOptions o;
    o.transfer_cap = 1;
    world_ = std::make_unique<World>(o);
  }
  static void TearDownTestSuite() { world_.reset(); }
  static std::unique_ptr<World> world_;
};
std::unique_ptr<World> Contract::world_;

// Everything a refused change must leave as it was: the subject's licenses and the ledger.
std::string snapshot(World& w, const Subject& s) {
  std::string out = w.ledger_fingerprint();
  if (!s.key.empty()) out += "\n" + w.fingerprint(s.key);
  if (!s.other.empty()) out += "\n" + w.fingerprint(s.other);
  return out;
}

TEST_P(Contract, HoldsThroughEveryDoor) {
  const Rule& rule = rules()[GetParam().rule];
  const Door& door = rule.doors[GetParam().door];
  World& w = *world_;
  Subject s = rule.arrange(w);
  ASSERT_FALSE(HasFailure()) << "arranging " << rule.name;
  const std::string code = door.code.value_or(rule.code);
  const std::string before = code.empty() ? "" : snapshot(w, s);

  const Attempt a = door.attempt(w, s);

  EXPECT_EQ(a.error, code) << a;
  if (a.http && code.empty()) {
    EXPECT_TRUE(a.code == 200 || a.code == 201) << a;  // 201: a license was created
  } else if (a.http) {
    EXPECT_EQ(a.code, expected_status(code)) << a;
  } else {
    EXPECT_EQ(a.code, expected_exit(code)) << a;
    if (!code.empty()) {
      // --json: the refusal is a JSON document on stdout.
      EXPECT_FALSE(a.message.empty()) << a;
    }
  }
  if (!code.empty()) {
    EXPECT_EQ(snapshot(w, s), before) << "a refused change left traces";
  }
  if (rule.then) rule.then(w, s, a);
  if (door.then) door.then(w, s, a);
}

std::string cell_name(const ::testing::TestParamInfo<CellIndex>& info) {
  const Rule& r = rules()[info.param.rule];
  return r.name + "_" + r.doors[info.param.door].name;
}

INSTANTIATE_TEST_SUITE_P(Rules, Contract, ::testing::ValuesIn(cells()), cell_name);

}  // namespace
}  // namespace licet::test
