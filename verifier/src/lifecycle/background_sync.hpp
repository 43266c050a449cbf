// The optional background refresher of a Verifier: a thread that runs a sync now and then every
// period until stopped, reporting failed syncs through the app's callback.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "licet/verifier.hpp"

namespace licet::detail {

class BackgroundSync {
 public:
  using Task = std::function<SyncResult()>;

  BackgroundSync() = default;
  ~BackgroundSync() { stop(); }
  BackgroundSync(const BackgroundSync&) = delete;
  BackgroundSync& operator=(const BackgroundSync&) = delete;

  // Replaces a running refresher. The first sync runs at once.
  void start(std::chrono::seconds period, Task task, SyncFailureCallback on_failure);
  // Returns once the thread has ended (a sync in progress finishes first: it is bounded by
  // network_timeout_ms).
  void stop() noexcept;

 private:
  void run(std::chrono::seconds period, const Task& task, const SyncFailureCallback& on_failure);

  std::mutex control_;  // serializes start/stop
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace licet::detail
