// fs/faulty.hpp: the POSIX file policy with fault injection, for tests: any syscall can be made
// to fail once with a chosen errno.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include <securestore/fs/posix.hpp>

namespace securestore {

namespace detail {

/// Pending injected failures, shared by copies of a faulty_fs.
class fault_plan {
 public:
  void fail_next(fs_op op, int err, int skip) {
    std::lock_guard lock{state_->mutex};
    state_->pending[op] = {err, skip};
  }
  /// The errno to inject for this call of `op`, or 0. Each injection fires once.
  [[nodiscard]] int take(fs_op op) {
    std::lock_guard lock{state_->mutex};
    auto it = state_->pending.find(op);
    if (it == state_->pending.end()) return 0;
    if (it->second.skip > 0) {
      --it->second.skip;
      return 0;
    }
    const int err = it->second.err;
    state_->pending.erase(it);
    ++state_->fired;
    return err;
  }
  [[nodiscard]] int fired() const {
    std::lock_guard lock{state_->mutex};
    return state_->fired;
  }

 private:
  struct pending_fault {
    int err = 0;
    int skip = 0;
  };
  struct state {
    mutable std::mutex mutex;
    std::map<fs_op, pending_fault> pending;
    int fired = 0;
  };
  std::shared_ptr<state> state_ = std::make_shared<state>();
};

}  // namespace detail

/// posix_fs whose next call of a chosen syscall fails with a chosen errno. Copies share the
/// plan, so a test keeps a handle after handing a copy to a store. Meets fs_policy.
class faulty_fs : public basic_posix_fs<detail::fault_plan> {
 public:
  /// The next call of `op` (after `skip` successful ones) fails with `err`, once.
  void fail_next(fs_op op, int err, int skip = 0) { faults_.fail_next(op, err, skip); }
  /// How many injected failures have fired, so a test can check its fault was reached.
  [[nodiscard]] int faults_fired() const { return faults_.fired(); }
};
static_assert(fs_policy<faulty_fs>);

}  // namespace securestore
