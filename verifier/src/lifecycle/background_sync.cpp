#include "lifecycle/background_sync.hpp"

namespace licet::detail {

void BackgroundSync::start(std::chrono::seconds period, Task task, SyncFailureCallback on_failure) {
  std::lock_guard control(control_);
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this, period, task = std::move(task), on_failure = std::move(on_failure)] {
    run(period, task, on_failure);
  });
}

void BackgroundSync::stop() noexcept {
  std::lock_guard control(control_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackgroundSync::run(std::chrono::seconds period, const Task& task,
                         const SyncFailureCallback& on_failure) {
  for (;;) {
    // Nothing may escape the thread: an exception here would terminate the app.
    try {
      const SyncResult result = task();
      if (!result.ok() && on_failure) on_failure(result);
    } catch (...) {
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, period, [this] { return stopping_; })) return;
  }
}

}  // namespace licet::detail
