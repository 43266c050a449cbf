// Devices against a real `licet serve`: activation with device keys, deactivation with request
// tokens, the seat moving to another device, and what a copied file, a stolen file or a replayed
// token cannot do. Every license file is judged by the verifier library against the feed the
// server serves.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "licet/common/request_token.hpp"
#include "support/world.hpp"

namespace licet::test {
namespace {

class DeviceStory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    WorldOptions o;
    o.transfer_cap = 1000;  // these stories deactivate often; the cap has its contract tests
    world_ = std::make_unique<World>(o);
  }
  static void TearDownTestSuite() { world_.reset(); }
  World& w() { return *world_; }

  Attempt deactivate(const TestDevice& d, const std::string& key) {
    return w().deactivate_online(d.request_token(key, w().origin()));
  }
  std::vector<std::string> bound(const std::string& key) {
    std::vector<std::string> out;
    const auto doc = w().show(key);
    for (const auto& d : doc["devices"].GetArray()) {
      if (json_str(d, "unbound_at").empty()) out.push_back(json_str(d, "device_id"));
    }
    return out;
  }

  static std::unique_ptr<World> world_;
};
std::unique_ptr<World> DeviceStory::world_;

TEST_F(DeviceStory, TheSeatMovesAndOnlyTheDeactivatedDevicesFileIsRevoked) {
  const std::string key = w().activation(2);
  auto& a = w().device("laptop");
  auto& b = w().device("desktop");
  auto& c = w().device("new-laptop");
  const std::string file_a = w().activated(key, a);
  const std::string file_b = w().activated(key, b);
  const auto app = w().app();
  auto feed = w().feed();
  EXPECT_TRUE(app.verify(file_a, a.id(), feed).ok());
  EXPECT_TRUE(app.verify(file_b, b.id(), feed).ok());
  // Each machine file names its one device.
  EXPECT_EQ(claims_of(file_a)["devices"].Size(), 1u);
  EXPECT_EQ(std::string(claims_of(file_a)["devices"][0].GetString()), a.id());

  auto full = w().activate_online(c.activation_body(key, kProduct));
  EXPECT_EQ(full.code, 409) << full;
  EXPECT_EQ(full.error, "seats_full");

  auto gone = deactivate(a, key);
  ASSERT_EQ(gone.code, 200) << gone;
  EXPECT_EQ(json_str(gone.doc, "status"), "deactivated");
  EXPECT_EQ(json_int(gone.doc, "bound"), 1);

  const std::string file_c = w().activated(key, c);
  EXPECT_EQ(bound(key), (std::vector<std::string>{b.id(), c.id()}));

  feed = w().feed();
  const auto old = app.verify(file_a, a.id(), feed);
  EXPECT_EQ(old.code, ErrorCode::revoked) << describe(old);
  const auto kept = app.verify(file_b, b.id(), feed);
  EXPECT_TRUE(kept.ok()) << describe(kept);
  const auto moved = app.verify(file_c, c.id(), feed);
  EXPECT_TRUE(moved.ok()) << describe(moved);

  // The seat is taken again: the first device cannot come back without one.
  auto back = w().activate_online(a.activation_body(key, kProduct));
  EXPECT_EQ(back.error, "seats_full") << back;
}

TEST_F(DeviceStory, ACopiedMachineFileIsRefusedOnAnotherDevice) {
  const std::string key = w().activation(3);
  auto& a = w().device("owner");
  auto& other = w().device("copier");
  const std::string file = w().activated(key, a);
  const auto v = w().app().verify(file, other.id(), w().feed());
  EXPECT_EQ(v.code, ErrorCode::device_not_bound) << describe(v);
  // Not with a node-locked file either.
  const auto nl = w().vendor.json({"issue", "--product", kProduct, "--customer", "c@example.com",
                                   "--seats", "1", "--device", "nl-owner", "--out",
                                   w().vendor.path("nl-copy.lic").string()});
  const auto v2 = w().app().verify(json_str(nl, "license_file"), other.id(), w().feed());
  EXPECT_EQ(v2.code, ErrorCode::device_not_bound) << describe(v2);
}

TEST_F(DeviceStory, AStolenLicenseFileCannotDeactivateAnyone) {
  const std::string key = w().activation(2);
  auto& owner = w().device("victim");
  const std::string file = w().activated(key, owner);
  // Everything the thief needs to name the seat is printed in the file.
  const auto claims = claims_of(file);
  const std::string lic = json_str(claims, "lic");
  const std::string dev = claims["devices"][0].GetString();
  ASSERT_EQ(lic, key);
  TestDevice thief(dev);  // same device ID, its own key
  auto a = w().deactivate_online(thief.request_token(lic, w().origin()));
  EXPECT_EQ(a.code, 401) << a;
  EXPECT_EQ(a.error, "invalid_token");
  EXPECT_EQ(bound(key), std::vector<std::string>{owner.id()});
  // Nor take the seat over by activating with its own device key.
  auto hijack = w().activate_online(thief.activation_body(lic, kProduct));
  EXPECT_EQ(hijack.code, 409) << hijack;
  EXPECT_EQ(hijack.error, "device_key_mismatch");
  // The owner's file is still good.
  EXPECT_TRUE(w().app().verify(file, owner.id(), w().feed()).ok());

  // A device the vendor bound has no device key: nobody can deactivate it over the network, and
  // the answer says the vendor removes it.
  const std::string nl = w().node_locked({"vendor-bound"}, 1);
  TestDevice pretender("vendor-bound");
  auto b = w().deactivate_online(pretender.request_token(nl, w().origin()));
  EXPECT_EQ(b.code, 409) << b;
  EXPECT_EQ(b.error, "no_device_key");
  EXPECT_EQ(bound(nl), std::vector<std::string>{"vendor-bound"});
}

TEST_F(DeviceStory, AReplayedRequestTokenIsRefused) {
  const std::string key = w().activation(1);
  auto& d = w().device("replayed");
  w().activated(key, d);
  const std::string token = d.request_token(key, w().origin());
  auto first = w().deactivate_online(token);
  ASSERT_EQ(first.code, 200) << first;
  w().activated(key, d);  // back on a seat
  auto again = w().deactivate_online(token);
  EXPECT_EQ(again.code, 401) << again;
  EXPECT_EQ(again.error, "invalid_token");
  EXPECT_NE(again.message.find("replay"), std::string::npos) << again;
  EXPECT_EQ(bound(key), std::vector<std::string>{d.id()});
}

TEST_F(DeviceStory, ATokenForAnotherAudienceActionTimeOrLicenseIsRefused) {
  const std::string key = w().activation(1);
  const std::string other_key = w().activation(1);
  auto& d = w().device("picky");
  w().activated(key, d);
  const UnixTime now = system_now();
  struct Bad {
    std::string what;
    std::string token;
    std::string code;
  };
  const std::vector<Bad> bad = {
      {"another server", d.request_token(key, "http://licenses.example.com"), "invalid_token"},
      {"offline audience online", d.request_token(key, "offline"), "invalid_token"},
      {"another action",
       d.request_token(key, w().origin(), std::string(request_token::kLeaseCheckout)),
       "invalid_token"},
      {"expired", d.request_token(key, w().origin(), "deactivate", now - 1000, 120),
       "invalid_token"},
      {"issued in the future", d.request_token(key, w().origin(), "deactivate", now + 3600, 120),
       "invalid_token"},
      {"lives too long", d.request_token(key, w().origin(), "deactivate", now, 3600),
       "invalid_token"},
      {"another license", d.request_token(other_key, w().origin()), "not_active"},
      {"not a token", "v4.public.garbage", "bad_request"},
  };
  for (const auto& b : bad) {
    auto a = w().deactivate_online(b.token);
    EXPECT_EQ(a.error, b.code) << b.what << ": " << a;
    EXPECT_EQ(a.code, expected_status(b.code)) << b.what << ": " << a;
  }
  EXPECT_EQ(bound(key), std::vector<std::string>{d.id()});
  // The right token still works afterwards.
  auto ok = w().deactivate_online(d.request_token(key, w().origin()));
  EXPECT_EQ(ok.code, 200) << ok;
  EXPECT_TRUE(bound(key).empty());
}

}  // namespace
}  // namespace licet::test
