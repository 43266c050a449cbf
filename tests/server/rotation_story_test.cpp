// Rotating the signing key while `licet serve` runs, with no restart: the next activation is
// signed by the new key, the served feed is signed by the old and the new key (an app that knows
// only the old key keeps accepting it), `licet key retire` waits until `licet reissue --signed-by`
// re-signed what depends on the old key, and from then on the server never signs with it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "licet/common/revocation_feed.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

namespace fs = std::filesystem;

std::string active_pid(const Vendor& v) {
  const auto d = v.json({"key", "list"});
  for (const auto& k : d["keys"].GetArray()) {
    if (json_str(k, "state") == "active") return json_str(k, "pid");
  }
  return {};
}

std::set<std::string> signers(const std::string& feed_bytes) {
  auto f = feed::Feed::parse(feed_bytes);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
  std::set<std::string> out;
  if (!f) return out;
  for (const auto& id : f->signer_ids()) out.insert(feed::pid_from_key_id(id));
  return out;
}

std::string public_key_of(const Vendor& v, const std::string& pid) {
  const auto d = v.json({"key", "list"});
  for (const auto& k : d["keys"].GetArray()) {
    if (json_str(k, "pid") == pid) return json_str(k, "public_key");
  }
  return {};
}

std::vector<std::string> keys_of(const rapidjson::Document& list) {
  std::vector<std::string> out;
  for (const auto& l : list["licenses"].GetArray()) out.push_back(json_str(l, "license_key"));
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(RotationStory, RotateAndRetireWhileTheServerRuns) {
  World w;
  const std::string k1 = active_pid(w.vendor);
  const TestApp old_app({public_key_of(w.vendor, k1)}, kProduct);

  const std::string key = w.activation(5);
  auto& a = w.device("before");
  const std::string file_a = w.activated(key, a);
  EXPECT_EQ(kid_of(file_a), k1);
  const auto nl =
      w.vendor.json({"issue", "--product", kProduct, "--customer", "r@example.com", "--seats", "1",
                     "--device", "rot-nl", "--out", w.vendor.path("rot-nl.lic").string()});
  const std::string nl_key = json_str(nl, "license_key");
  const std::string nl_file = json_str(nl, "license_file");

  // Rotate with the CLI; the server is not restarted.
  w.vendor.ok({"key", "rotate"});
  const std::string k2 = active_pid(w.vendor);
  ASSERT_NE(k1, k2);
  const TestApp both_app({public_key_of(w.vendor, k1), public_key_of(w.vendor, k2)}, kProduct);
  const TestApp new_app({public_key_of(w.vendor, k2)}, kProduct);

  auto& b = w.device("after");
  const std::string file_b = w.activated(key, b);
  EXPECT_EQ(kid_of(file_b), k2) << "the next activation is signed by the new key";

  // The served feed carries a signature by both keys: an app released before the rotation
  // accepts it, and applies it (a revocation made after the rotation reaches it).
  w.revoke(nl_key);
  auto feed = w.feed();
  EXPECT_EQ(signers(feed), (std::set<std::string>{k1, k2}));
  const auto still = old_app.verify(file_a, a.id(), feed);
  EXPECT_TRUE(still.ok()) << describe(still);
  const auto revoked = old_app.verify(nl_file, "rot-nl", feed);
  EXPECT_EQ(revoked.code, ErrorCode::revoked) << describe(revoked);
  w.vendor.ok({"reinstate", nl_key});

  // The old key cannot be retired while current files depend on it; list --kid names them.
  const auto listed = w.vendor.json({"list", "--kid", k1});
  EXPECT_EQ(keys_of(listed),
            (std::vector<std::string>{std::min(key, nl_key), std::max(key, nl_key)}));
  const auto refused = w.cli({"key", "retire", k1});
  EXPECT_EQ(refused.code, 2) << refused;
  EXPECT_EQ(refused.error, "needs_confirmation") << refused;
  EXPECT_NE(refused.message.find(key), std::string::npos) << refused;
  EXPECT_NE(refused.message.find("reissue --signed-by"), std::string::npos) << refused;

  // Re-sign everything the old key signed, into a directory with a manifest.
  const auto out_dir = w.vendor.path("resigned");
  const auto resigned =
      w.vendor.json({"reissue", "--signed-by", k1, "--out-dir", out_dir.string()});
  EXPECT_EQ(json_int(resigned, "count"), 2) << json_str(resigned, "out_dir");
  const std::string manifest = read_text(out_dir / "manifest.csv");
  EXPECT_NE(manifest.find(key + "," + a.id() + ","), std::string::npos) << manifest;
  EXPECT_NE(manifest.find(nl_key + ",,"), std::string::npos) << manifest;
  for (const auto& f : resigned["files"].GetArray()) {
    const std::string text = read_text(out_dir / json_str(f, "file"));
    EXPECT_EQ(kid_of(text), k2) << json_str(f, "file");
    const std::string device = json_str(f, "device_id").empty() ? "rot-nl" : a.id();
    const auto v = new_app.verify(text, device, w.feed());
    EXPECT_TRUE(v.ok()) << json_str(f, "file") << ": " << describe(v);
  }
  EXPECT_EQ(json_int(w.vendor.json({"list", "--kid", k1}), "total"), 0);

  // Now it retires, and the running server stops using it at once.
  w.vendor.ok({"key", "retire", k1});
  feed = w.feed();
  EXPECT_EQ(signers(feed), std::set<std::string>{k2});
  auto parsed = feed::Feed::parse(feed);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->is_retired(k1));
  auto& c = w.device("retired");
  EXPECT_EQ(kid_of(w.activated(key, c)), k2);
  // The device whose old file the retired key signed gets a file signed by the active key.
  auto again = w.activate_online(a.activation_body(key, kProduct));
  ASSERT_EQ(again.code, 200) << again;
  EXPECT_EQ(json_str(again.doc, "status"), "already_active");
  EXPECT_EQ(kid_of(json_str(again.doc, "license")), k2);
  // Apps that trust both keys refuse the old files: the key is retired in the feed.
  const auto retired = both_app.verify(file_a, a.id(), feed);
  EXPECT_EQ(retired.code, ErrorCode::revoked) << describe(retired);
  // An app that knows only the retired key gets a clear answer, not a valid verdict.
  const auto stranded = old_app.verify(file_a, a.id(), feed);
  EXPECT_FALSE(stranded.ok()) << describe(stranded);
  EXPECT_NE(stranded.message.find("trust"), std::string::npos) << describe(stranded);
  // The server said in its log that the key changed.
  EXPECT_NE(w.server->log().find("signing with it from now on"), std::string::npos)
      << w.server->log();
}

}  // namespace
}  // namespace licet::test
