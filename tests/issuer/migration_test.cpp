// A ledger written by licet 0.1 (schema version 1), opened by today's licet. The fixture is built
// from the version-1 migration text in issuer/store/sqlite/schema.cpp — the one place a test writes
// schema SQL, because it is the fixture of a real 0.1 ledger: licenses, devices, tokens signed as
// 0.1 signed them, API tokens and a hash-chained audit trail (docs/FORMAT.md "Audit trail").
#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/key_file.hpp"
#include "licet/keys/paserk.hpp"
#include "store/audit_chain.hpp"
#include "support/sqlite_raw.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The first migration of schema.cpp: the ledger licet 0.1 created.
std::string version1_schema() {
  const std::string src = read_text(LICET_SCHEMA_SOURCE);
  const auto start = src.find("R\"sql(");
  const auto end = src.find(")sql\"", start);
  EXPECT_NE(start, std::string::npos) << LICET_SCHEMA_SOURCE;
  return src.substr(start + 6, end - start - 6);
}

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string sql_text(const std::optional<std::string>& s) {
  if (!s) return "NULL";
  std::string out = "'";
  for (char c : *s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// An audit entry hashed as docs/FORMAT.md "Audit trail" specifies, independently of the issuer.
struct Entry {
  std::int64_t id;
  std::int64_t at;
  std::string actor, action;
  std::optional<std::string> key, before, after;
  std::array<std::uint8_t, 32> prev{}, hash{};
};

std::array<std::uint8_t, 32> chain_hash(const Entry& e) {
  auto field = [](const std::optional<std::string>& v) { return v ? "1" + *v : std::string("0"); };
  const std::string id = std::to_string(e.id), at = std::to_string(e.at);
  const std::string k = field(e.key), b = field(e.before), a = field(e.after);
  const Bytes msg = pae({"licet-audit-v1", id, at, e.actor, e.action, k, b, a,
                         std::string_view(reinterpret_cast<const char*>(e.prev.data()), 32)});
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), msg.data(), msg.size(), nullptr, 0);
  return h;
}

TEST(AuditChain, TheWorkedExampleOfFormatMdHoldsForTheImplementationAndThisTest) {
  Entry e1{1, 1767225600, "alice", "init", std::nullopt, std::nullopt, R"({"vendor":"acme"})"};
  e1.hash = chain_hash(e1);
  EXPECT_EQ(hex(e1.hash.data(), 32),
            "44ffd32a7b3f07c828faa7c2859c1c9c2cc71d2cbc3f7d32a24b6ae9519c016f");
  Entry e2{2,
           1767225660,
           "bob",
           "revoke",
           "MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D-Z",
           R"({"status":"active"})",
           R"({"status":"revoked"})"};
  e2.prev = e1.hash;
  e2.hash = chain_hash(e2);
  EXPECT_EQ(hex(e2.hash.data(), 32),
            "2b48d19ad11309e27955f2d0ed003840307139e2e63680777e46d65683cc9fbf");
  issuer::store::AuditRecord r;
  r.id = e2.id;
  r.at = e2.at;
  r.actor = e2.actor;
  r.action = e2.action;
  r.license_key = e2.key;
  r.before = e2.before;
  r.after = e2.after;
  std::copy(e2.prev.begin(), e2.prev.end(), r.prev_hash.begin());
  const auto h = issuer::store::audit_hash(r);
  EXPECT_EQ(hex(h.data(), 32), hex(e2.hash.data(), 32));
}

class Version1Ledger : public ::testing::Test {
 protected:
  struct License {
    std::string key;
    std::string customer;
    int seats;
    std::vector<std::pair<std::string, std::int64_t>> devices;  // id, bound_at
    std::vector<std::int64_t> unbound;                          // unbound_at per device, 0 = bound
    std::string status = "active";
    int revision = 1;
    int superseded_below = 0;
    std::string expected_kind;
    std::string file;  // the armored token 0.1 wrote
  };

  void SetUp() override {
    // Today's `licet init` makes the key file; the 0.1 ledger that uses the key is written here.
    const auto keys = v_.json({"key", "list"});
    const auto& k = keys["keys"][0];
    pid_ = json_str(k, "pid");
    public_key_ = json_str(k, "public_key");
    fs::path key_file;
    for (const auto& e : fs::directory_iterator(v_.data_dir() / "keys")) key_file = e.path();
    secret_file_ = "keys/" + key_file.filename().string();
    auto text = keys::read_secret_file(key_file);
    ASSERT_TRUE(text.ok());
    auto secret = paserk::unwrap_secret_pw(*text, kPassphrase);
    ASSERT_TRUE(secret.ok());
    secret_ = std::make_unique<SecretKey>(std::move(*secret));
    t0_ = system_now() - 30 * 86400;

    licenses_ = {
        {license_key::generate("APP"),
         "unlocked@example.com",
         5,
         {},
         {},
         "active",
         1,
         0,
         "unlocked",
         ""},
        {license_key::generate("APP"),
         "nodelocked@example.com",
         2,
         {{"nl-1", t0_}},
         {0},
         "active",
         1,
         0,
         "node_locked",
         ""},
        {license_key::generate("APP"),
         "activated@example.com",
         3,
         {{"act-1", t0_ + 3600}},
         {0},
         "active",
         1,
         0,
         "activation",
         ""},
        {license_key::generate("APP"),
         "revoked@example.com",
         1,
         {{"rv-1", t0_}},
         {0},
         "revoked",
         1,
         0,
         "node_locked",
         ""},
        {license_key::generate("APP"),
         "swapped@example.com",
         1,
         {{"old-laptop", t0_}, {"new-laptop", t0_ + 7200}},
         {t0_ + 7200, 0},
         "active",
         2,
         2,
         "node_locked",
         ""},
    };
    write_version1_ledger();
  }

  std::string sign(License& l, int rev) {
    Claims c;
    c.iss = "acme";
    c.sub = l.customer;
    c.aud = std::string(kProduct);
    c.jti = "jti-" + l.key + "-" + std::to_string(rev);
    c.lic = l.key;
    c.rev = rev;
    c.iat = t0_ + rev * 3600;
    c.seats = l.seats;
    if (l.expected_kind == "node_locked") {
      std::vector<std::string> ids;
      for (std::size_t i = 0; i < l.devices.size(); ++i) {
        if (l.unbound[i] == 0) ids.push_back(l.devices[i].first);
      }
      c.devices = ids;
    }
    return paseto::sign(claims_to_json(c), *secret_, "{\"kid\":\"" + pid_ + "\"}");
  }

  void write_version1_ledger() {
    const auto file = v_.path("v1.db");
    std::string sql = version1_schema() + "PRAGMA user_version = 1;\n";
    sql += "INSERT INTO settings VALUES ('vendor', 'acme');\n";
    sql +=
        "INSERT INTO signing_keys (pid, public_key, secret_file, encrypted, state, created_at) "
        "VALUES (" +
        sql_text(pid_) + ", " + sql_text(public_key_) + ", " + sql_text(secret_file_) + ", 1, " +
        "'active', " + std::to_string(t0_ - 60) + ");\n";
    std::vector<Entry> trail;
    auto audit = [&](std::int64_t at, const std::string& action, std::optional<std::string> key,
                     std::optional<std::string> before, std::optional<std::string> after) {
      Entry e{
          static_cast<std::int64_t>(trail.size() + 1), at, "vendor", action, key, before, after};
      if (!trail.empty()) e.prev = trail.back().hash;
      e.hash = chain_hash(e);
      trail.push_back(e);
    };
    audit(t0_ - 60, "init", std::nullopt, std::nullopt, R"({"vendor":"acme"})");
    for (std::size_t i = 0; i < licenses_.size(); ++i) {
      auto& l = licenses_[i];
      const auto id = std::to_string(i + 1);
      sql +=
          "INSERT INTO licenses (id, license_key, product, customer, seats, status, "
          "revoked_reason, revision, superseded_below, created_at, updated_at) VALUES (" +
          id + ", " + sql_text(l.key) + ", 'app', " + sql_text(l.customer) + ", " +
          std::to_string(l.seats) + ", " + sql_text(l.status) + ", " +
          (l.status == "revoked" ? "'chargeback'" : "NULL") + ", " + std::to_string(l.revision) +
          ", " + std::to_string(l.superseded_below) + ", " + std::to_string(t0_) + ", " +
          std::to_string(t0_) + ");\n";
      for (std::size_t d = 0; d < l.devices.size(); ++d) {
        sql +=
            "INSERT INTO devices (license_id, device_id, hostname, bound_at, unbound_at) "
            "VALUES (" +
            id + ", " + sql_text(l.devices[d].first) + ", 'host', " +
            std::to_string(l.devices[d].second) + ", " +
            (l.unbound[d] != 0 ? std::to_string(l.unbound[d]) : "NULL") + ");\n";
      }
      for (int rev = 1; rev <= l.revision; ++rev) {
        const std::string token = sign(l, rev);
        sql += "INSERT INTO tokens (jti, license_id, revision, kid, issued_at, token) VALUES (" +
               sql_text("jti-" + l.key + "-" + std::to_string(rev)) + ", " + id + ", " +
               std::to_string(rev) + ", " + sql_text(pid_) + ", " +
               std::to_string(t0_ + rev * 3600) + ", " + sql_text(token) + ");\n";
        l.file = armor::write(token, {});
      }
      audit(t0_, "issue", l.key, std::nullopt, R"({"customer":")" + l.customer + R"("})");
      if (l.revision > 1)
        audit(t0_ + 7200, "reissue", l.key, R"({"revision":1})", R"({"revision":2})");
      if (l.status == "revoked")
        audit(t0_ + 60, "revoke", l.key, R"({"status":"active"})", R"({"status":"revoked"})");
    }
    // An API token as 0.1 stored it: the BLAKE2b-256 of the secret.
    secret_token_ = "licet_at_" + std::string(43, 'Q');
    std::uint8_t th[32];
    crypto_generichash(th, sizeof th, reinterpret_cast<const unsigned char*>(secret_token_.data()),
                       secret_token_.size(), nullptr, 0);
    sql += "INSERT INTO api_tokens VALUES ('shop', 'admin', X'" + hex(th, 32) + "', " +
           std::to_string(t0_) + ", NULL);\n";
    audit(t0_ + 100, "token.create", std::nullopt, std::nullopt, R"({"name":"shop"})");
    for (const auto& e : trail) {
      sql += "INSERT INTO audit VALUES (" + std::to_string(e.id) + ", " + std::to_string(e.at) +
             ", " + sql_text(e.actor) + ", " + sql_text(e.action) + ", " + sql_text(e.key) + ", " +
             sql_text(e.before) + ", " + sql_text(e.after) + ", X'" + hex(e.prev.data(), 32) +
             "', X'" + hex(e.hash.data(), 32) + "');\n";
    }
    sql += "INSERT INTO settings VALUES ('audit_head', '" + std::to_string(trail.back().id) + ":" +
           hex(trail.back().hash.data(), 32) + "');\n";
    sql += "UPDATE feed_state SET sequence = 7, published_at = " + std::to_string(t0_) + ";\n";
    raw_sql(file, sql);
    entries_ = static_cast<std::int64_t>(trail.size());
    // The 0.1 data directory: this ledger, the key file, no audit checkpoint (0.1 had none).
    fs::rename(file, v_.ledger_file());
    fs::remove(v_.data_dir() / "audit.checkpoint");
  }

  Vendor v_;
  std::string pid_, public_key_, secret_file_, secret_token_;
  std::unique_ptr<SecretKey> secret_;
  UnixTime t0_ = 0;
  std::vector<License> licenses_;
  std::int64_t entries_ = 0;
};

TEST_F(Version1Ledger, OpensMigratedWithKindsAndAnIntactTrail) {
  ASSERT_EQ(raw_int(v_.ledger_file(), "PRAGMA user_version"), 1);
  const auto verify = v_.json({"audit", "--verify"});
  EXPECT_TRUE(verify["intact"].GetBool()) << json_str(verify, "problem");
  EXPECT_EQ(json_int(verify, "entries"), entries_);
  EXPECT_EQ(raw_int(v_.ledger_file(), "PRAGMA user_version"), 2);

  const auto list = v_.json({"list"});
  ASSERT_EQ(json_int(list, "total"), static_cast<std::int64_t>(licenses_.size()));
  for (const auto& l : licenses_) {
    SCOPED_TRACE(l.customer);
    const auto d = v_.json({"show", l.key});
    EXPECT_EQ(json_str(d, "kind"), l.expected_kind);
    EXPECT_EQ(json_str(d, "status"), l.status);
    EXPECT_EQ(json_int(d, "revision"), l.revision);
    std::int64_t bound = 0;
    for (auto u : l.unbound) bound += u == 0 ? 1 : 0;
    EXPECT_EQ(json_int(d, "seats_bound"), bound);
    EXPECT_EQ(d["revisions"].Size(), static_cast<rapidjson::SizeType>(l.revision));
    // The file 0.1 handed out is judged by today's inspect with the ledger's facts.
    const auto file = v_.path("v1-" + l.key + ".lic");
    std::ofstream(file) << l.file;
    const auto inspect = v_.run({"--json", "inspect", file.string()});
    const auto r = parse_or_empty(inspect.out);
    ASSERT_TRUE(r.HasMember("ledger")) << inspect.out;
    EXPECT_EQ(json_str(r["ledger"], "state"), l.status == "revoked" ? "revoked" : "current")
        << inspect.out;
    EXPECT_EQ(inspect.exit_code, l.status == "revoked" ? 6 : 0) << inspect.out;
  }
  // The plain listing and the table for people work too.
  EXPECT_EQ(v_.run({"list"}).exit_code, 0);
  EXPECT_EQ(v_.run({"show", licenses_[4].key}).exit_code, 0);
}

TEST_F(Version1Ledger, TodaysOperationsContinueTheMigratedLedger) {
  // A new revision of a 0.1 node-locked license, chained onto the 0.1 trail.
  v_.ok({"reissue", licenses_[1].key, "--add-device", "nl-2", "--out", v_.path("r.lic").string()});
  // Support frees the activated device (it has no device key: only support can).
  v_.ok({"devices", "remove", licenses_[2].key, "act-1"});
  v_.ok({"revoke", licenses_[0].key});
  const auto verify = v_.json({"audit", "--verify"});
  EXPECT_TRUE(verify["intact"].GetBool()) << json_str(verify, "problem");
  EXPECT_EQ(json_int(verify, "entries"), entries_ + 3);
  // The feed continues after the 0.1 sequence.
  const auto feed = v_.json({"revocations", "publish", "--out", v_.path("f.bin").string()});
  EXPECT_GT(json_int(feed, "sequence"), 7);
  // The 0.1 API token still opens the admin API.
  ServerProcess server(v_);
  auto c = server.client();
  auto r = c.Get("/v1/admin/stats", bearer(secret_token_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

}  // namespace
}  // namespace licet::test
