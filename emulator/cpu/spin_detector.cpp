#include "cpu/spin_detector.h"

namespace chemu {

SpinDetector::Action SpinDetector::arrive_and_decide(uint64_t head) {
  if (head != head_) {
    if (head_ != ~0ull && ++other_arrivals_ <= kInnerBranches) return Action::None;  // an inner loop, perhaps
    *this = SpinDetector{};  // another loop
    head_ = head;
  }
  other_arrivals_ = 0;
  ++arrivals_;
  if (marked_) return Action::Check;
  return arrivals_ >= next_look_ ? Action::Mark : Action::None;
}

// The iteration since mark(), if nothing in it could have an effect beyond the core's registers.
std::optional<SpinDetector::Iteration> SpinDetector::effect_free_iteration(const Progress& now, uint16_t flags_seen) {
  if (flags_seen != 0 || now.device_accesses != mark_.device_accesses || now.exceptions != mark_.exceptions)
    return give_up(), std::nullopt;
  const Iteration it{now.instructions - mark_.instructions, now.cycles - mark_.cycles};
  if (it.instructions == 0 || it.cycles == 0 || it.instructions > kMaxIteration) return give_up(), std::nullopt;
  return it;
}

}  // namespace chemu
