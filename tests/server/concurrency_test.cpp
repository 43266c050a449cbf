// Seat accounting is transactional: 40 devices activating at once on a license with 5 seats get
// exactly 5 seats from one `licet serve`.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "support/world.hpp"

namespace licet::test {
namespace {

TEST(Concurrency, FortyDevicesOnFiveSeatsGetExactlyFive) {
  constexpr int kDevices = 40;
  constexpr int kSeats = 5;
  // Every device here connects from 127.0.0.1: lift the per-client connection cap (32) that
  // devices behind one address would otherwise share.
  WorldOptions o;
  o.serve_args.insert(o.serve_args.end(), {"--max-connections-per-client", "64"});
  World w(o);
  const std::string key = w.activation(kSeats);
  std::vector<std::unique_ptr<TestDevice>> devices;
  for (int i = 0; i < kDevices; ++i) {
    devices.push_back(std::make_unique<TestDevice>("rush-" + std::to_string(i)));
  }
  std::mutex m;
  std::condition_variable cv;
  bool go = false;
  std::atomic<int> activated{0}, full{0}, other{0};
  std::vector<std::string> winners, others;
  std::vector<std::thread> threads;
  for (int i = 0; i < kDevices; ++i) {
    threads.emplace_back([&, i] {
      const std::string body = devices[i]->activation_body(key, kProduct);
      auto c = w.server->client();
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return go; });
      }
      auto r = c.Post("/v1/activate", body, "application/json");
      if (r && r->status == 200) {
        ++activated;
        std::lock_guard lock(m);
        winners.push_back(devices[i]->id());
      } else if (r && r->status == 409 && r->body.find("seats_full") != std::string::npos) {
        ++full;
      } else {
        ++other;
        std::lock_guard lock(m);
        others.push_back(r ? std::to_string(r->status) + " " + r->body
                           : "no answer: " + httplib::to_string(r.error()));
      }
    });
  }
  {
    std::lock_guard lock(m);
    go = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();

  EXPECT_EQ(activated.load(), kSeats);
  EXPECT_EQ(full.load(), kDevices - kSeats);
  EXPECT_EQ(other.load(), 0) << (others.empty() ? "" : others.front());
  const auto d = w.show(key);
  EXPECT_EQ(json_int(d, "seats_bound"), kSeats);
  std::vector<std::string> bound;
  for (const auto& dev : d["devices"].GetArray()) bound.push_back(json_str(dev, "device_id"));
  std::sort(bound.begin(), bound.end());
  std::sort(winners.begin(), winners.end());
  EXPECT_EQ(bound, winners);
  // One machine file per winner, each recorded.
  EXPECT_EQ(d["revisions"].Size(), static_cast<rapidjson::SizeType>(kSeats));
  auto verify = w.vendor.run({"audit", "--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.err << verify.out;
}

}  // namespace
}  // namespace licet::test
