#include "sched/interleaver.h"

#include <algorithm>

#include <fmt/format.h>

namespace chemu {

Slice RoundRobin::next(const Runnable& runnable) {
  for (int i = 1; i <= kNumCores; ++i) {
    const int c = (last_ + i) % kNumCores;
    if (runnable[size_t(c)]) return {last_ = c, quantum_};
  }
  return {last_, quantum_};  // unreachable when the precondition holds
}

Slice RandomInterleaver::next(const Runnable& runnable) {
  int candidates[kNumCores], n = 0;
  for (int c = 0; c < kNumCores; ++c)
    if (runnable[size_t(c)]) candidates[n++] = c;
  const int core = candidates[rng_.below(uint64_t(n))];
  const uint64_t lo = std::max<uint64_t>(1, quantum_ / 8), hi = 2 * quantum_;
  return {core, lo + rng_.below(hi - lo + 1)};
}

PctInterleaver::PctInterleaver(uint64_t seed, uint64_t quantum, unsigned depth, uint64_t steps, bool over_communications)
    : rng_(seed), quantum_(quantum), over_communications_(over_communications) {
  // Initial priorities: a random permutation of depth .. depth + kNumCores - 1.
  std::array<uint64_t, kNumCores> p;
  for (int i = 0; i < kNumCores; ++i) p[size_t(i)] = depth + uint64_t(i);
  for (int i = kNumCores - 1; i > 0; --i) std::swap(p[size_t(i)], p[rng_.below(uint64_t(i) + 1)]);
  priority_ = p;
  for (unsigned i = 1; i < depth; ++i) change_points_.push_back(1 + rng_.below(std::max<uint64_t>(steps, 1)));
  std::sort(change_points_.begin(), change_points_.end());
}

Slice PctInterleaver::next(const Runnable& runnable) {
  if (!over_communications_) ++step_;
  auto top = [&] {
    int best = -1;
    for (int c = 0; c < kNumCores; ++c)
      if (runnable[size_t(c)] && (best < 0 || priority_[size_t(c)] > priority_[size_t(best)])) best = c;
    return best;
  };
  while (next_change_ < change_points_.size() && change_points_[next_change_] <= step_)
    priority_[size_t(top())] = ++next_change_;  // the i-th change point leaves priority i
  int core = top();
  int longest = -1;  // the runnable core that has waited longest, if that is kMaxWait slices or more
  for (int c = 0; c < kNumCores; ++c)
    if (runnable[size_t(c)] && waited_[size_t(c)] >= kMaxWait && (longest < 0 || waited_[size_t(c)] > waited_[size_t(longest)]))
      longest = c;
  if (longest >= 0) core = longest;
  for (int c = 0; c < kNumCores; ++c) waited_[size_t(c)] = runnable[size_t(c)] && c != core ? waited_[size_t(c)] + 1 : 0;
  Slice s{core, quantum_};
  if (over_communications_ && next_change_ < change_points_.size()) s.communication_limit = change_points_[next_change_] - step_;
  return s;
}

Slice ReplayInterleaver::next(const Runnable& runnable) {
  if (until_wait_core_ >= 0 && runnable[size_t(until_wait_core_)] && until_wait_left_ > 0) {
    const uint64_t n = std::min(until_wait_left_, quantum_);
    until_wait_left_ -= n;
    return {until_wait_core_, n};
  }
  until_wait_core_ = -1;
  while (pos_ < entries_.size()) {
    const ScheduleEntry& e = entries_[pos_++];
    if (e.core >= 0 && e.core < kNumCores && runnable[size_t(e.core)]) {
      if (lenient_ && e.waited) until_wait_core_ = e.core, until_wait_left_ = std::max(e.instructions, quantum_);
      // Strict: the core must be where it was when the slice was recorded (Machine checks).
      return {e.core, std::max<uint64_t>(e.instructions, 1), lenient_ ? std::nullopt : std::optional(e.start_cycle)};
    }
    if (!lenient_)
      throw ScheduleMismatch(fmt::format("slice {} of the schedule names core {}, which cannot run here", pos_ - 1, e.core));
  }
  if (!lenient_) throw ScheduleMismatch(fmt::format("the run went past the recorded schedule ({} slices)", entries_.size()));
  if (!after_) after_ = std::make_unique<RoundRobin>(quantum_, entries_.empty() ? kNumCores - 1 : entries_.back().core);
  return after_->next(runnable);
}

size_t count_preemptions(const std::vector<ScheduleEntry>& entries) {
  size_t n = 0;
  for (size_t i = 1; i < entries.size(); ++i) n += entries[i].core != entries[i - 1].core && !entries[i - 1].forced_switch();
  return n;
}

std::unique_ptr<Interleaver> ReplayInterleaver::clone() const {
  auto copy = std::make_unique<ReplayInterleaver>(entries_);
  copy->pos_ = pos_, copy->lenient_ = lenient_, copy->quantum_ = quantum_;
  copy->until_wait_core_ = until_wait_core_, copy->until_wait_left_ = until_wait_left_;
  if (after_) copy->after_ = std::make_unique<RoundRobin>(*after_);
  return copy;
}

}  // namespace chemu
